/*
 * gossip-mpi's native MPI backend: a thin JNI layer over MPI's C API, built against whatever MPI the user
 * has (Open MPI, MPICH, Intel MPI, Cray MPICH). Only this file and org.gossipmpi.comm.nativempi know MPI's C
 * API. Requests live in a table allocated once (MPI_Request slots indexed from Java), so that posting,
 * testing and completing a message allocates nothing on either side. Every MPI error comes back as an
 * org.gossipmpi.comm.CommException carrying MPI's error string.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLASS(name) Java_org_gossipmpi_comm_nativempi_NativeMpi_##name

static MPI_Request *requests;
static jint slots;
static jclass comm_exception;

/* Throws CommException("<what>: <MPI's error string> (MPI error <code>)"); returns 1 when it did. */
static int failed(JNIEnv *env, int code, const char *what)
{
    if (code == MPI_SUCCESS) {
        return 0;
    }
    char text[MPI_MAX_ERROR_STRING + 1];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) {
        length = 0;
    }
    text[length] = '\0';
    char message[MPI_MAX_ERROR_STRING + 256];
    snprintf(message, sizeof message, "%s failed: %s (MPI error %d)", what, length > 0 ? text : "unknown error", code);
    (*env)->ThrowNew(env, comm_exception, message);
    return 1;
}

static int bad_slot(JNIEnv *env, jint slot)
{
    if (requests == NULL || slot < 0 || slot >= slots) {
        char message[128];
        snprintf(message, sizeof message, "request slot %d outside the table of %d (MPI not initialised?)",
                 (int) slot, (int) slots);
        (*env)->ThrowNew(env, comm_exception, message);
        return 1;
    }
    return 0;
}

/* The address of elements [offset, offset + length) of a direct buffer (bytes of a ByteBuffer, floats of a
 * FloatBuffer: JNI counts a buffer's capacity in its elements), or NULL with an exception thrown. */
static char *address(JNIEnv *env, jobject buffer, jint offset, jint length, int element)
{
    char *base = (*env)->GetDirectBufferAddress(env, buffer);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
    if (base == NULL || offset < 0 || length < 0 || (jlong) offset + length > capacity) {
        (*env)->ThrowNew(env, comm_exception, "not a direct buffer, or a range outside it");
        return NULL;
    }
    return base + (size_t) offset * (size_t) element;
}

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved)
{
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) {
        return JNI_ERR;
    }
    jclass local = (*env)->FindClass(env, "org/gossipmpi/comm/CommException");
    if (local == NULL) {
        return JNI_ERR;
    }
    comm_exception = (*env)->NewGlobalRef(env, local);
    /* The JVM loads this library with RTLD_LOCAL; MPI libraries that open plugins of their own (Open MPI's
     * components) need their symbols global, so the MPI library is opened again with RTLD_GLOBAL. */
    Dl_info info;
    if (dladdr((void *) &MPI_Init_thread, &info) != 0 && info.dli_fname != NULL) {
        dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
    }
    return JNI_VERSION_1_8;
}

/* MPI_Init_thread (serialized: one thread at a time calls MPI), errors returned, a table of `table` slots.
 * Returns {rank, size, 1 if the library provides MPI_THREAD_SERIALIZED or more, else 0}. */
JNIEXPORT jintArray JNICALL CLASS(init)(JNIEnv *env, jclass cls, jint table)
{
    (void) cls;
    int provided = 0;
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised && failed(env, MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread")) {
        return NULL;
    }
    if (failed(env, MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler")) {
        return NULL;
    }
    requests = malloc(sizeof(MPI_Request) * (size_t) table);
    if (requests == NULL) {
        (*env)->ThrowNew(env, comm_exception, "cannot allocate the request table");
        return NULL;
    }
    for (jint i = 0; i < table; i++) {
        requests[i] = MPI_REQUEST_NULL;
    }
    slots = table;
    int rank = 0, size = 0;
    if (failed(env, MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank")
        || failed(env, MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size")
        || failed(env, MPI_Query_thread(&provided), "MPI_Query_thread")) {
        return NULL;
    }
    jintArray out = (*env)->NewIntArray(env, 3);
    if (out != NULL) {
        jint values[3] = {rank, size, provided >= MPI_THREAD_SERIALIZED ? 1 : 0};
        (*env)->SetIntArrayRegion(env, out, 0, 3, values);
    }
    return out;
}

JNIEXPORT jstring JNICALL CLASS(libraryVersion)(JNIEnv *env, jclass cls)
{
    (void) cls;
    char text[MPI_MAX_LIBRARY_VERSION_STRING + 1];
    int length = 0;
    if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) {
        length = 0;
    }
    text[length] = '\0';
    /* The first line is enough (MPICH's goes on with its configure options). */
    char *newline = strchr(text, '\n');
    if (newline != NULL) {
        *newline = '\0';
    }
    return (*env)->NewStringUTF(env, text);
}

JNIEXPORT void JNICALL CLASS(isend)(JNIEnv *env, jclass cls, jobject buffer, jint offset, jint length, jint dest,
                                    jint tag, jint slot)
{
    (void) cls;
    char *at = address(env, buffer, offset, length, 1);
    if (at == NULL || bad_slot(env, slot)) {
        return;
    }
    failed(env, MPI_Isend(at, length, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &requests[slot]), "MPI_Isend");
}

JNIEXPORT void JNICALL CLASS(irecv)(JNIEnv *env, jclass cls, jobject buffer, jint offset, jint capacity,
                                    jint source, jint tag, jint slot)
{
    (void) cls;
    char *at = address(env, buffer, offset, capacity, 1);
    if (at == NULL || bad_slot(env, slot)) {
        return;
    }
    failed(env, MPI_Irecv(at, capacity, MPI_BYTE, source, tag, MPI_COMM_WORLD, &requests[slot]), "MPI_Irecv");
}

/* MPI_Test of a slot: -1 while pending; once complete, the bytes received (0 for a send or a collective). */
JNIEXPORT jint JNICALL CLASS(test)(JNIEnv *env, jclass cls, jint slot)
{
    (void) cls;
    if (bad_slot(env, slot)) {
        return -1;
    }
    int done = 0;
    MPI_Status status;
    int code = MPI_Test(&requests[slot], &done, &status);
    if (code == MPI_ERR_IN_STATUS) {
        code = status.MPI_ERROR;
    }
    if (failed(env, code, "MPI_Test")) {
        return -1;
    }
    if (!done) {
        return -1;
    }
    int count = 0;
    if (status.MPI_SOURCE != MPI_ANY_SOURCE && status.MPI_SOURCE != MPI_PROC_NULL
        && MPI_Get_count(&status, MPI_BYTE, &count) != MPI_SUCCESS) {
        count = 0;
    }
    return count == MPI_UNDEFINED ? 0 : count;
}

JNIEXPORT void JNICALL CLASS(cancel)(JNIEnv *env, jclass cls, jint slot)
{
    (void) cls;
    if (bad_slot(env, slot) || requests[slot] == MPI_REQUEST_NULL) {
        return;
    }
    if (failed(env, MPI_Cancel(&requests[slot]), "MPI_Cancel")) {
        return;
    }
    failed(env, MPI_Wait(&requests[slot], MPI_STATUS_IGNORE), "MPI_Wait after MPI_Cancel");
}

/* Starts an in-place sum of `count` floats of a direct buffer over all ranks, completed through `slot`. */
JNIEXPORT void JNICALL CLASS(iallreduceSum)(JNIEnv *env, jclass cls, jobject buffer, jint count, jint slot)
{
    (void) cls;
    char *at = address(env, buffer, 0, count, (int) sizeof(float));
    if (at == NULL || bad_slot(env, slot)) {
        return;
    }
    failed(env, MPI_Iallreduce(MPI_IN_PLACE, at, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &requests[slot]),
           "MPI_Iallreduce");
}

JNIEXPORT void JNICALL CLASS(ibarrier)(JNIEnv *env, jclass cls, jint slot)
{
    (void) cls;
    if (bad_slot(env, slot)) {
        return;
    }
    failed(env, MPI_Ibarrier(MPI_COMM_WORLD, &requests[slot]), "MPI_Ibarrier");
}

JNIEXPORT void JNICALL CLASS(abort)(JNIEnv *env, jclass cls, jint code)
{
    (void) env;
    (void) cls;
    MPI_Abort(MPI_COMM_WORLD, code);
}

JNIEXPORT void JNICALL CLASS(finalize0)(JNIEnv *env, jclass cls)
{
    (void) cls;
    for (jint i = 0; i < slots; i++) {
        if (requests[i] != MPI_REQUEST_NULL) {
            MPI_Request_free(&requests[i]);
        }
    }
    free(requests);
    requests = NULL;
    slots = 0;
    failed(env, MPI_Finalize(), "MPI_Finalize");
}
