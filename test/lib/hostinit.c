/* wlcr-hostinit: pid 1 of a test host's pid namespace (test/lib/hosts.sh).
 * It reaps every orphan as soon as it dies (a restore needs the old pids
 * free, and this machine's own pid 1 reaps late), and exits on SIGTERM,
 * which makes the kernel kill everything else in the namespace. */
#include <signal.h>
#include <sys/wait.h>

int main(void)
{
	sigset_t set;
	sigfillset(&set);
	/* signals wait in sigwait; as pid 1 nothing else would deliver them */
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		int sig = 0;
		sigwait(&set, &sig);
		if (sig == SIGTERM || sig == SIGINT)
			return 0;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}
