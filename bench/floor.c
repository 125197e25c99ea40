// SPDX-License-Identifier: GPL-2.0
/*
 * bench/floor.c: the least a 1-second dashboard can cost on this machine,
 * measured beside kvmstat-la and kvm_stat in the same run (bench/kvmstat-la.py).
 *
 *   floor wake          wakes once per interval and does nothing else
 *   floor ncurses N     wakes in getch() like a curses dashboard and rewrites
 *                       the numbers of N lines per interval (ncurses at its
 *                       cheapest: one write per frame, no blank-bottom scan)
 *   floor tty N         no curses at all: wakes in poll() on the terminal and
 *                       writes the numbers of N lines, cursor moves included,
 *                       with one write(): what any terminal dashboard must do
 *
 * Both run until SIGTERM/SIGINT.  Their CPU per refresh bounds the ratio any
 * dashboard of that kind can reach against kvm_stat here.
 */
#include <curses.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int floor_wake(int ms)
{
	while (!stop)
		poll(NULL, 0, ms);
	return 0;
}

static int floor_ncurses(int ms, int nlines)
{
	unsigned long long n = 0;

	if (!initscr())
		return 1;
	cbreak();
	noecho();
	curs_set(0);
	typeahead(-1);
	endwin();	/* as kvmstat-la: leave and resume once, so output is buffered */
	refresh();
	mvaddstr(LINES - 1, 0, "h help  q quit");
	for (int y = 0; y < nlines && y + 3 < LINES - 1; y++)
		mvprintw(y + 3, 0, "%-40s", "kvm_event");
	timeout(ms);
	while (!stop) {
		if (getch() == 'q')
			break;
		n++;
		for (int y = 0; y < nlines && y + 3 < LINES - 1; y++)
			mvprintw(y + 3, 40, "%12llu%8.1f%10llu", n * 1000 + y, 1.0 * y, n);
		refresh();
	}
	endwin();
	return 0;
}

static int floor_tty(int ms, int nlines)
{
	unsigned long long n = 0;
	char buf[4096];

	while (!stop) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int len = 0;

		if (poll(&p, 1, ms) > 0) {
			char c;

			if (read(STDIN_FILENO, &c, 1) <= 0 || c == 'q')
				break;
		}
		n++;
		for (int y = 0; y < nlines && len < (int)sizeof(buf) - 64; y++)
			len += snprintf(buf + len, sizeof(buf) - len, "\033[%d;41H%12llu%8.1f%10llu",
					y + 4, n * 1000 + y, 1.0 * y, n);
		if (write(STDOUT_FILENO, buf, len) < 0)
			break;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (argc >= 2 && !strcmp(argv[1], "wake"))
		return floor_wake(1000);
	if (argc >= 3 && !strcmp(argv[1], "ncurses"))
		return floor_ncurses(1000, atoi(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "tty"))
		return floor_tty(1000, atoi(argv[2]));
	fprintf(stderr, "usage: floor wake | floor ncurses NLINES | floor tty NLINES\n");
	return 2;
}
