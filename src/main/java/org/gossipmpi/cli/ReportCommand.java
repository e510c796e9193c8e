package org.gossipmpi.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.gossipmpi.metrics.Report;
import org.gossipmpi.metrics.RunScan;
import org.gossipmpi.metrics.Version;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code report DIR...}: one comparison over the runs of many directories, with charts and a Markdown file. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Compares every run under the given directories (train --out directories, sweeps, SLURM job"
        + " outputs): one table, and with --out the charts over all of them and report.md. Runs that cannot be"
        + " read (half-written, older versions) are listed and skipped. No MPI needed.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Directories to read runs from (any depth up to 5).")
    List<Path> dirs;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the charts and report.md here.")
    Path out;

    @Option(names = "--target-loss", paramLabel = "L", defaultValue = "NaN",
        description = "The loss the time and bytes to target are taken at, from each run's history (default: each"
            + " run's own --target-loss).")
    double targetLoss;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "text",
        description = "The table's format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Report.Format format;

    @Option(names = "--svg", description = "Also write every chart as SVG (with --out).")
    boolean svg;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (svg && out == null) {
            throw new IllegalArgumentException("--svg writes charts, which need --out DIR");
        }
        Report.checkTargetLoss(targetLoss);
        if (out != null && java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; report writes its charts and report.md"
                + " into a directory: give a directory (it is made if missing)");
        }
        final RunScan.Result scanned = RunScan.scan(dirs);
        final PrintWriter err = spec.commandLine().getErr();
        for (String s : scanned.skipped()) {
            err.println("report: skipped " + s);
        }
        err.flush();
        if (scanned.runs().isEmpty()) {
            throw new IllegalArgumentException("no runs under " + dirs + " (a run's directory holds the summary.json"
                + " that train --out writes)" + (scanned.skipped().isEmpty() ? "" : "; " + scanned.skipped().size()
                + " skipped, see above"));
        }
        final PrintWriter w = Main.out(spec);
        w.print(Report.table(scanned.runs(), targetLoss, format));
        if (out != null) {
            final List<Path> charts = Report.charts(scanned.runs(), out, svg);
            final Path md = Report.markdown(dirs, scanned, targetLoss, charts, out, Version.get());
            w.println("report: " + md + " and " + charts.size() + " charts in " + out);
        }
        w.flush();
        return 0;
    }
}
