// roadsense-launch HOST_PID EXECUTABLE [ARGUMENT...]
//
// The host starts every plugin process through this launcher, so that no plugin outlives the host whatever
// the plugin is (a RoadSense plugin, a Python script, any third-party executable): it asks the kernel to
// SIGKILL this process when its parent dies (PR_SET_PDEATHSIG, which survives execve), checks that the
// parent is still the host (the host may have died before the request took effect, and then nobody would
// send the signal), and replaces itself with EXECUTABLE — same pid, same stdout/stderr pipes, so the host
// supervises the plugin exactly as if it had started it directly.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: roadsense-launch HOST_PID EXECUTABLE [ARGUMENT...] (started by the roadsense host)\n");
        return 2;
    }
    char *end = NULL;
    errno = 0;
    long host = strtol(argv[1], &end, 10);
    if (errno != 0 || end == argv[1] || *end != '\0' || host <= 1) {
        fprintf(stderr, "roadsense-launch: HOST_PID must be the host's process id, got '%s'\n", argv[1]);
        return 2;
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        fprintf(stderr, "roadsense-launch: prctl(PR_SET_PDEATHSIG) failed: %s; not starting %s\n", strerror(errno),
                argv[2]);
        return 126;
    }
    if (getppid() != (pid_t)host) {
        fprintf(stderr, "roadsense-launch: host %ld is gone; not starting %s\n", host, argv[2]);
        return 125;
    }
    execv(argv[2], argv + 2);
    fprintf(stderr, "roadsense-launch: cannot run %s: %s\n", argv[2], strerror(errno));
    return 127;
}
