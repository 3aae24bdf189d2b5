#include "crash_guard.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { message_capacity = 4096, alternate_stack_size = 1 << 16 };

static char armed_message[message_capacity];
static volatile sig_atomic_t armed_length = 0;
static volatile sig_atomic_t armed_status = 65;
static volatile sig_atomic_t installed = 0;

static void on_crash(int signal_number) {
  // Only async-signal-safe calls here: write(2), _exit(2), signal(2), raise(3).
  if (armed_length > 0) {
    ssize_t ignored = write(STDERR_FILENO, armed_message, (size_t)armed_length);
    (void)ignored;
    _exit(armed_status);
  }
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void amf_crash_guard_install(void) {
  if (installed) return;
  installed = 1;
  stack_t alternate;
  alternate.ss_sp = malloc(alternate_stack_size);
  alternate.ss_size = alternate_stack_size;
  alternate.ss_flags = 0;
  if (alternate.ss_sp != NULL) sigaltstack(&alternate, NULL);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_crash;
  action.sa_flags = SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  int signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
  for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);
}

void amf_crash_guard_arm(const char *message, int status) {
  size_t length = strlen(message);
  if (length > message_capacity) length = message_capacity;
  armed_length = 0;
  memcpy(armed_message, message, length);
  armed_status = status;
  armed_length = (sig_atomic_t)length;
}

void amf_crash_guard_disarm(void) { armed_length = 0; }
