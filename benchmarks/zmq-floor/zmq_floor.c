// zmq_floor: the physical floor of ROUTER/DEALER request/reply on this machine.
//
// One process binds a ROUTER on ipc://DIR/floor.ipc; W forked worker processes
// each connect a DEALER and echo every message back unchanged (no-op work).
//
//   (a) latency:    sequential calls, one in flight at a time, sent to the
//                   workers in turn (least recently used, as a dispatcher
//                   among equal workers would); p50/p99 round trip in µs.
//   (b) throughput: N calls, each worker allowed 1 in flight; the ROUTER
//                   sends the next call to a worker as soon as its reply is
//                   in, so all W stay busy; calls/s over the whole batch.
//
// Prints one JSON object on stdout. Everything is bounded by receive timeouts;
// workers die with the parent (PR_SET_PDEATHSIG) and are reaped at the end.
//
//   cc -O2 zmq_floor.c -lzmq -o zmq_floor
//   ./zmq_floor --calls 2000 --workers 2 --dir /tmp/x [--rtt-calls 1000] [--size 100]

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define MAX_WORKERS 64
#define MAX_SIZE 65536
#define TIMEOUT_MS 10000  // a reply that takes longer than this is a failure
#define WARMUP_CALLS 1000     // at least this many untimed calls first,
#define WARMUP_NS 300000000ull // and for at least 0.3 s (vCPUs wake slowly from idle)

static pid_t children[MAX_WORKERS];
static int nchildren;

static void kill_children(void) {
    for (int i = 0; i < nchildren; i++)
        if (children[i] > 0) kill(children[i], SIGKILL);
    for (int i = 0; i < nchildren; i++)
        if (children[i] > 0) waitpid(children[i], NULL, 0);
    nchildren = 0;
}

static void die(const char *what) {
    fprintf(stderr, "zmq_floor: %s: %s\n", what, zmq_strerror(zmq_errno()));
    kill_children();
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

// Nearest-rank percentile of sorted values.
static uint64_t percentile(const uint64_t *sorted, size_t n, double p) {
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return sorted[rank - 1];
}

// Worker: DEALER with routing id "w<i>"; says hello, then echoes until an empty frame.
static int worker_main(const char *endpoint, int index) {
    void *ctx = zmq_ctx_new();
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    char id[16];
    int idlen = snprintf(id, sizeof id, "w%d", index);
    int timeout = 60000, linger = 0;
    zmq_setsockopt(s, ZMQ_ROUTING_ID, id, (size_t)idlen);
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(s, endpoint) != 0) return 1;
    if (zmq_send(s, "", 0, 0) != 0) return 1;  // hello
    static char buf[MAX_SIZE];
    for (;;) {
        int n = zmq_recv(s, buf, sizeof buf, 0);
        if (n < 0) return 1;  // parent gone or stuck
        if (n == 0) break;     // stop
        if (zmq_send(s, buf, (size_t)(n > MAX_SIZE ? MAX_SIZE : n), 0) < 0) return 1;
    }
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}

static void send_call(void *router, const char *id, size_t idlen, const char *payload, size_t size) {
    if (zmq_send(router, id, idlen, ZMQ_SNDMORE) < 0) die("send id");
    if (zmq_send(router, payload, size, 0) < 0) die("send payload");
}

// Receives one reply; returns the worker index (from its routing id "w<i>").
static int recv_reply(void *router, char *buf, size_t size) {
    char id[64];
    int idn = zmq_recv(router, id, sizeof id - 1, 0);
    if (idn < 0) die("recv id (timeout?)");
    id[idn < (int)sizeof id - 1 ? idn : (int)sizeof id - 1] = 0;
    int more = 0;
    size_t ml = sizeof more;
    zmq_getsockopt(router, ZMQ_RCVMORE, &more, &ml);
    if (!more) die("reply without payload frame");
    int n = zmq_recv(router, buf, size, 0);
    if (n < 0) die("recv payload");
    return atoi(id + 1);
}

static void usage(void) {
    fprintf(stderr,
            "usage: zmq_floor [--calls N] [--workers W] [--dir D] [--rtt-calls R] [--size BYTES]\n"
            "  --calls N      calls in the throughput batch (default 2000)\n"
            "  --workers W    worker processes, 1 in flight each (default 2)\n"
            "  --dir D        directory for floor.ipc (default: a new one under /tmp)\n"
            "  --rtt-calls R  sequential calls for the latency figures (default 1000)\n"
            "  --size BYTES   payload size (default 100)\n");
    exit(2);
}

int main(int argc, char **argv) {
    long calls = 2000, workers = 2, rtt_calls = 1000, size = 100;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--calls")) calls = atol(v);
        else if (!strcmp(a, "--workers")) workers = atol(v);
        else if (!strcmp(a, "--dir")) dir = v;
        else if (!strcmp(a, "--rtt-calls")) rtt_calls = atol(v);
        else if (!strcmp(a, "--size")) size = atol(v);
        else usage();
    }
    if (calls < 1 || workers < 1 || workers > MAX_WORKERS || rtt_calls < 1 || size < 1 || size > MAX_SIZE)
        usage();

    char tmpdir[] = "/tmp/zmq-floor.XXXXXX";
    int made_dir = 0;
    if (!dir) {
        if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
        dir = tmpdir;
        made_dir = 1;
    } else {
        mkdir(dir, 0700);
    }
    char path[4096], endpoint[4200];
    snprintf(path, sizeof path, "%s/floor.ipc", dir);
    snprintf(endpoint, sizeof endpoint, "ipc://%s", path);
    unlink(path);

    // Fork the workers first; each makes its own context.
    pid_t parent = getpid();
    for (int i = 0; i < workers; i++) {
        pid_t pid = fork();
        if (pid < 0) { perror("fork"); kill_children(); return 1; }
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(1);
            _exit(worker_main(endpoint, i));
        }
        children[nchildren++] = pid;
    }

    // Bind after forking, so no worker inherits the parent's context or sockets;
    // the workers' DEALERs connect in the background and retry until it is there.
    void *ctx = zmq_ctx_new();
    void *router = zmq_socket(ctx, ZMQ_ROUTER);
    int timeout = TIMEOUT_MS, linger = 0, mandatory = 1;
    zmq_setsockopt(router, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(router, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory);
    if (zmq_bind(router, endpoint) != 0) die("bind");

    char *payload = malloc((size_t)size), *reply = malloc(MAX_SIZE);
    for (long i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);
    char ids[MAX_WORKERS][16];
    size_t idlens[MAX_WORKERS];
    for (int i = 0; i < workers; i++) idlens[i] = (size_t)snprintf(ids[i], sizeof ids[i], "w%d", i);

    // Hellos: every worker connected and routable.
    for (int i = 0; i < workers; i++) recv_reply(router, reply, MAX_SIZE);

    // (a) sequential round trips, one in flight, workers in turn.
    uint64_t warm_start = now_ns();
    for (long i = 0; i < WARMUP_CALLS || now_ns() - warm_start < WARMUP_NS; i++) {
        int w = (int)(i % workers);
        send_call(router, ids[w], idlens[w], payload, (size_t)size);
        recv_reply(router, reply, MAX_SIZE);
    }
    uint64_t *rtt = malloc(sizeof(uint64_t) * (size_t)rtt_calls);
    for (long i = 0; i < rtt_calls; i++) {
        int w = (int)(i % workers);
        uint64_t t0 = now_ns();
        send_call(router, ids[w], idlens[w], payload, (size_t)size);
        int got = recv_reply(router, reply, MAX_SIZE);
        rtt[i] = now_ns() - t0;
        if (got != w) { fprintf(stderr, "zmq_floor: reply from w%d, expected w%d\n", got, w); kill_children(); return 1; }
    }
    qsort(rtt, (size_t)rtt_calls, sizeof *rtt, cmp_u64);

    // (b) throughput: 1 in flight per worker, refilled on each reply.
    long sent = 0, done = 0;
    uint64_t t0 = now_ns();
    for (int w = 0; w < workers && sent < calls; w++, sent++) send_call(router, ids[w], idlens[w], payload, (size_t)size);
    while (done < calls) {
        int w = recv_reply(router, reply, MAX_SIZE);
        if (w < 0 || w >= workers) { fprintf(stderr, "zmq_floor: bad worker id\n"); kill_children(); return 1; }
        done++;
        if (sent < calls) { send_call(router, ids[w], idlens[w], payload, (size_t)size); sent++; }
    }
    double elapsed_s = (double)(now_ns() - t0) / 1e9;

    // Stop the workers and reap them.
    for (int w = 0; w < workers; w++) send_call(router, ids[w], idlens[w], "", 0);
    for (int i = 0; i < nchildren; i++) {
        int status = 0;
        // Bounded: a worker not gone within ~5 s is killed.
        for (int tries = 0; tries < 500; tries++) {
            pid_t r = waitpid(children[i], &status, WNOHANG);
            if (r == children[i]) { children[i] = 0; break; }
            usleep(10000);
        }
    }
    kill_children();
    zmq_close(router);
    zmq_ctx_term(ctx);
    unlink(path);
    if (made_dir) rmdir(dir);

    printf("{\"name\":\"libzmq-floor\",\"calls\":%ld,\"workers\":%ld,\"throughput_per_s\":%.1f,"
           "\"rtt_p50_us\":%.1f,\"rtt_p99_us\":%.1f,\"rtt_calls\":%ld,\"payload_bytes\":%ld}\n",
           calls, workers, (double)calls / elapsed_s, percentile(rtt, (size_t)rtt_calls, 50) / 1000.0,
           percentile(rtt, (size_t)rtt_calls, 99) / 1000.0, rtt_calls, size);
    free(rtt);
    free(payload);
    free(reply);
    return 0;
}
