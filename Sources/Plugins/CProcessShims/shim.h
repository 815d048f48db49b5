// Process helpers whose C declarations Swift cannot import (variadic prctl, W* macros).
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>

/// Ask the kernel to send `sig` to this process when its parent dies, so no plugin outlives its host.
static inline int rs_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

/// The signal this process gets when its parent dies (0: none), e.g. set by roadsense-launch.
static inline int rs_parent_death_signal(void) {
    int sig = 0;
    return prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 ? sig : 0;
}

#include <malloc.h>

/// Return free heap memory to the system (glibc's malloc_trim); 1 if any was released.
static inline int rs_release_free_memory(void) { return malloc_trim(0); }

#include <sys/random.h>

/// Fills `length` bytes from the kernel's CSPRNG (getrandom(2)); the number of bytes written, or -1.
static inline long rs_fill_random(void *buffer, unsigned long length) { return (long)getrandom(buffer, length, 0); }
