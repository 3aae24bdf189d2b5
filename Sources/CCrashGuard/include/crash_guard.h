// Turns a crash inside a C library (libhdf5 parsing a damaged or crafted file) into one line on stderr and
// exit status 65, instead of death by signal (issue #17). Swift cannot catch SIGSEGV; a C handler can.
#ifndef AMF_CRASH_GUARD_H
#define AMF_CRASH_GUARD_H

/// Installs the handlers for SIGSEGV, SIGBUS, SIGFPE and SIGILL (on an alternate stack, so a stack
/// overflow is caught too). Idempotent; call before the first guarded section.
void amf_crash_guard_install(void);

/// Arms the guard: until `amf_crash_guard_disarm`, a crash prints `message` (copied, at most 4 KiB) to
/// stderr and exits with `status`. Unarmed, a crash keeps its default action (a core dump for a bug of ours).
void amf_crash_guard_arm(const char *message, int status);

/// Disarms the guard.
void amf_crash_guard_disarm(void);

#endif
