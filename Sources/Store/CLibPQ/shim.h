#include <libpq-fe.h>
#include <sys/file.h>

// A notice processor that drops server notices ("relation already exists, skipping"): the store
// reports what matters through its own errors.
static inline void clibpq_ignore_notice(void *arg, const char *message) { (void)arg; (void)message; }
static inline void clibpq_silence_notices(PGconn *conn) { PQsetNoticeProcessor(conn, clibpq_ignore_notice, 0); }
