/*
 * contain: runs a command as a child subreaper (Linux, prctl PR_SET_CHILD_SUBREAPER). The flag
 * survives execve, so the command (the launch's supervisor) inherits every orphan of its process
 * tree, also one that called setsid or was double-forked, and can end them all.
 *
 * usage: contain --subreaper -- ARGV...
 * exits 2 on bad usage, 126 when the flag cannot be set, 127 when ARGV cannot be executed.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

int main(int argc, char **argv) {
  int i = 1;
  int subreaper = 0;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--subreaper") == 0) subreaper = 1;
    else {
      fprintf(stderr, "contain: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (i >= argc - 1) {
    fprintf(stderr, "usage: contain --subreaper -- ARGV...\n");
    return 2;
  }
  if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
    perror("contain: prctl(PR_SET_CHILD_SUBREAPER)");
    return 126;
  }
  execvp(argv[i + 1], argv + i + 1);
  perror("contain: exec");
  return 127;
}
