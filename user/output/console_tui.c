// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * console_tui.c - the live console as a full-screen terminal UI (see
 * console_tui.h).
 *
 * Screen (80x24 at least; more rows show more rows of the table, more
 * columns show more columns):
 *   0      status: mode, interface, uptime, ring/pcap loss, hooks
 *   1      totals: OpenFlow messages and rates per direction, connections
 *   2      views: 1 types 2 subtypes ... (the current one highlighted)
 *   3      column titles (the sort column marked)
 *   4..-2  rows (the selected one highlighted)
 *   -1     the view's note, or the keys
 */
#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include "output/console_events.h"
#include "output/console_rows.h"
#include "output/console_tui.h"

#define TOP 4 /* first table row */
#define MIN_COLS 40 /* below, only a word about the size */
#define MIN_LINES 8

struct ofx_tui {
	SCREEN *scr;
	const struct ofx_run_info *info;
	struct ofx_stats *cur, *prev;
	struct ofx_views *v;
	struct ofx_cevents ev;
	struct ofx_events *events; /* threshold events, or NULL */
	struct ofx_ctable table;
	unsigned int view;
	unsigned int sort[OFX_CV_N];
	bool desc[OFX_CV_N];
	unsigned int sel[OFX_CV_N], top[OFX_CV_N];
	char sel_id[OFX_CV_N][OFX_CROW_CELL]; /* the selected row's label */
	bool sub_filter;
	uint8_t sub_version, sub_type;
	bool help;
	bool have;
	char msg[256]; /* the latest stderr line, shown until @msg_until */
	uint64_t msg_until;
};

#define MSG_NS 10000000000ull /* a message stays 10 s */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int ofx_tui_usable(void)
{
	const char *term = getenv("TERM");

	/* in the terminal's foreground process group: a background job
	 * (`ofxdp attach ... &`) would be stopped by its first terminal
	 * mode change (SIGTTOU) or read (SIGTTIN) */
	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && term && *term &&
	       strcmp(term, "dumb") != 0 &&
	       tcgetpgrp(STDIN_FILENO) == getpgrp();
}

int ofx_tui_open(const struct ofx_run_info *info, struct ofx_tui **out)
{
	struct ofx_tui *t;

	*out = NULL;
	if (!ofx_tui_usable())
		return -ENOTTY;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cur = calloc(1, sizeof(*t->cur));
	t->prev = calloc(1, sizeof(*t->prev));
	if (!t->cur || !t->prev) {
		free(t->cur);
		free(t->prev);
		free(t);
		return -ENOMEM;
	}
	/* ^Z: ncurses would install a SIGTSTP handler that redraws from
	 * whichever thread the signal hits (ncurses is not thread-safe);
	 * a monitor's console is not suspended (ofx_tui_close() restores) */
	signal(SIGTSTP, SIG_IGN);
	t->scr = newterm(NULL, stdout, stdin);
	if (!t->scr || !tigetstr("cup") || tigetstr("cup") == (char *)-1) {
		if (t->scr) {
			endwin();
			delscreen(t->scr);
		}
		signal(SIGTSTP, SIG_DFL);
		free(t->cur);
		free(t->prev);
		free(t);
		return -ENOTTY;
	}
	set_term(t->scr);
	cbreak(); /* ^C still sends SIGINT */
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	t->info = info;
	for (unsigned int i = 0; i < OFX_CV_N; i++)
		t->sort[i] = ofx_ctable_default_sort(i, &t->desc[i]);
	*out = t;
	return 0;
}

/* Which columns of @tb fit @width (@shown), and their widths (@w): the
 * flexible one (width 0, else the first) takes what the others leave. */
static void layout(const struct ofx_ctable *tb, int width, bool *shown, int *w)
{
	unsigned int flex = 0;
	int used = 0;

	for (unsigned int c = 0; c < tb->ncols; c++)
		if (!tb->cols[c].width)
			flex = c;
	for (unsigned int c = 0; c < tb->ncols; c++) {
		w[c] = tb->cols[c].width;
		shown[c] = c == flex || (tb->cols[c].min_cols <= width &&
					 used + 1 + w[c] + 12 <= width);
		if (shown[c] && c != flex)
			used += w[c] + (c ? 1 : 0);
	}
	w[flex] = width - used - (flex ? 1 : 0);
	if (w[flex] < 12)
		w[flex] = 12;
}

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* printw() that stops at the right edge instead of wrapping. */
static void put(const char *fmt, ...)
{
	char buf[512];
	int room = COLS - getcurx(stdscr);
	va_list ap;

	if (room <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	addnstr(buf, room);
}

/* Print @s in @w columns at the cursor, left or right aligned. */
static void cell(const char *s, int w, bool left)
{
	int len = (int)strlen(s);

	if (len > w)
		len = w;
	if (left)
		put("%-*.*s", w, len, s);
	else
		put("%*.*s", w, len, s);
}

static void draw_status(struct ofx_tui *t)
{
	const struct ofx_run_info *in = t->info;
	const struct ofx_stats *c = t->cur;
	uint64_t s = c->ts_ns > in->start_ns
			     ? (c->ts_ns - in->start_ns) / 1000000000ull
			     : 0;
	uint64_t ring = c->src.records_lost;
	uint64_t pcap = c->src.pcap_drop + c->src.pcap_ifdrop;
	char line[512];

	snprintf(line, sizeof(line),
		 " ofxdp  mode %s  if %s  up %" PRIu64 ":%02u:%02u  "
		 "loss ring %" PRIu64 " pcap %" PRIu64 "  hooks %s",
		 in->mode ? in->mode : "?", in->ifname ? in->ifname : "?",
		 s / 3600, (unsigned int)(s / 60 % 60), (unsigned int)(s % 60),
		 ring, pcap, in->hooks ? in->hooks : "");
	attron(A_REVERSE);
	mvaddnstr(0, 0, line, COLS);
	for (int x = (int)strlen(line); x < COLS; x++)
		addch(' ');
	attroff(A_REVERSE);
}

static void draw_totals(struct ofx_tui *t)
{
	const struct ofx_stats *c = t->cur, *p = t->prev;
	double dt = p->ts_ns && c->ts_ns > p->ts_ns
			    ? (double)(c->ts_ns - p->ts_ns) / 1e9
			    : 0.0;
	double r[OFX_NDIRS];
	char line[256], tcp[64];
	int n;

	for (int d = 0; d < OFX_NDIRS; d++)
		r[d] = dt > 0 && c->msgs.total[d].msgs >= p->msgs.total[d].msgs
			       ? (double)(c->msgs.total[d].msgs -
					  p->msgs.total[d].msgs) /
					 dt
			       : 0.0;
	n = snprintf(line, sizeof(line),
		     " OF in %" PRIu64 " (%.1f/s)  out %" PRIu64
		     " (%.1f/s)  conns %" PRIu64 " open/%" PRIu64
		     "  switches %" PRIu64,
		     c->msgs.total[0].msgs, r[0], c->msgs.total[1].msgs, r[1],
		     c->reasm.connections_active, c->reasm.connections_total,
		     c->sw.switches);
	snprintf(tcp, sizeof(tcp), "  TCP segs %" PRIu64 "/%" PRIu64,
		 c->of.tcp[0].msgs, c->of.tcp[1].msgs);
	if (n > 0 && (size_t)n + strlen(tcp) <= (size_t)COLS &&
	    (size_t)n + strlen(tcp) < sizeof(line))
		strcat(line, tcp); /* only whole */
	mvaddnstr(1, 0, line, COLS);
}

static void draw_tabs(struct ofx_tui *t)
{
	move(2, 0);
	for (unsigned int i = 0; i < OFX_CV_N; i++) {
		if (i == t->view)
			attron(A_REVERSE | A_BOLD);
		put(" %u %s ", i + 1, ofx_cview_name(i));
		if (i == t->view)
			attroff(A_REVERSE | A_BOLD);
	}
	if (getcurx(stdscr) + 30 < COLS)
		put("   sort: %s %s", t->table.cols[t->sort[t->view]].title,
		    t->desc[t->view] ? "(desc)" : "(asc)");
}

/* Keep the selection on the row it was on (by its label) and in sight. */
static void place_selection(struct ofx_tui *t, int rows)
{
	unsigned int v = t->view, *sel = &t->sel[v], *top = &t->top[v];

	if (t->sel_id[v][0])
		for (unsigned int i = 0; i < t->table.n; i++)
			if (!strcmp(t->table.rows[i].cell[0], t->sel_id[v])) {
				*sel = i;
				break;
			}
	if (*sel >= t->table.n)
		*sel = t->table.n ? t->table.n - 1 : 0;
	if (rows < 1)
		rows = 1;
	if (*sel < *top)
		*top = *sel;
	if (*sel >= *top + (unsigned int)rows)
		*top = *sel - (unsigned int)rows + 1;
	if (*top + (unsigned int)rows > t->table.n)
		*top = t->table.n > (unsigned int)rows ? t->table.n - rows : 0;
	if (t->table.n)
		snprintf(t->sel_id[v], sizeof(t->sel_id[v]), "%s",
			 t->table.rows[*sel].cell[0]);
}

static void draw_table(struct ofx_tui *t)
{
	const struct ofx_ctable *tb = &t->table;
	bool shown[OFX_CROW_COLS] = {0};
	int w[OFX_CROW_COLS];
	int rows = LINES - TOP - 1;
	unsigned int v = t->view;
	char more[64] = "";

	layout(tb, COLS, shown, w);
	place_selection(t, rows);
	move(3, 0);
	attron(A_BOLD | A_UNDERLINE);
	for (unsigned int c = 0; c < tb->ncols; c++) {
		char title[40];

		if (!shown[c])
			continue;
		snprintf(title, sizeof(title), "%s%s", tb->cols[c].title,
			 c == t->sort[v] ? (t->desc[v] ? " v" : " ^") : "");
		if (c)
			put(" ");
		cell(title, w[c], tb->cols[c].left);
	}
	attroff(A_BOLD | A_UNDERLINE);
	for (int y = 0; y < rows && t->top[v] + (unsigned int)y < tb->n; y++) {
		unsigned int i = t->top[v] + (unsigned int)y;
		const struct ofx_crow *r = &tb->rows[i];

		move(TOP + y, 0);
		if (i == t->sel[v])
			attron(A_REVERSE);
		for (unsigned int c = 0; c < tb->ncols; c++) {
			if (!shown[c])
				continue;
			if (c)
				put(" ");
			cell(r->cell[c], w[c], tb->cols[c].left);
		}
		if (i == t->sel[v])
			attroff(A_REVERSE);
	}
	if (tb->n > (unsigned int)rows)
		snprintf(more, sizeof(more), "rows %u-%u of %u  ",
			 tb->n ? t->top[v] + 1 : 0,
			 t->top[v] + (unsigned int)rows, tb->n);
	move(LINES - 1, 0);
	if (t->msg[0] && mono_ns() < t->msg_until) {
		attron(A_BOLD);
		addnstr(t->msg, COLS);
		attroff(A_BOLD);
		return;
	}
	attron(A_DIM);
	put(" %s%s", more,
	    tb->note[0] ? tb->note
			: "q quit  ? help  1-6 views  j/k move  < > sort");
	attroff(A_DIM);
}

static const char *const help_text[] = {
	"ofxdp console keys",
	"",
	"  1 t   message types (in/out per version and type)",
	"  2 s   subtypes (of the type chosen with Enter; a: all types)",
	"  3 w   switches (datapath_id, state, rates, PACKET_IN p99)",
	"  4 l   latency: request/response pairs over the last 10 s",
	"  5 e   events: connections, switches, loss, thresholds",
	"  6 o   loss and reassembly counters",
	"  Up/Down j/k  PgUp/PgDn  Home/End g/G   select a row",
	"  Enter   subtypes of the selected type (types view)",
	"  b Backspace   back to the types (subtypes view)",
	"  < >   sort by the previous / next column    r  reverse",
	"  space   refresh now      q  quit (as Ctrl-C)",
	"",
	"  any key closes this help",
};

static void draw_help(void)
{
	int n = (int)(sizeof(help_text) / sizeof(help_text[0]));
	int w = 64, y0 = (LINES - n - 2) / 2, x0 = (COLS - w) / 2;

	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	attron(A_REVERSE);
	for (int i = -1; i <= n; i++) {
		move(y0 + 1 + i, x0);
		cell(i >= 0 && i < n ? help_text[i] : "", w, true);
	}
	attroff(A_REVERSE);
}

/* Rebuild the current view's table from the snapshot and draw it all. */
static void redraw(struct ofx_tui *t)
{
	struct ofx_csnap s = {.cur = t->cur,
			      .prev = t->prev,
			      .v = t->v,
			      .ev = &t->ev,
			      .start_ns = t->info->start_ns,
			      .epoch_offset_ns = t->info->epoch_offset_ns,
			      .sub_filter = t->sub_filter,
			      .sub_version = t->sub_version,
			      .sub_type = t->sub_type};

	erase();
	if (ofx_ctable_build(&t->table, t->view, &s))
		snprintf(t->table.note, sizeof(t->table.note), "out of memory");
	if (t->sort[t->view] >= t->table.ncols)
		t->sort[t->view] = 0;
	ofx_ctable_sort(&t->table, t->sort[t->view], t->desc[t->view]);
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		mvaddnstr(0, 0, "ofxdp: terminal too small (40x8 at least)",
			  COLS);
		refresh();
		return;
	}
	draw_status(t);
	draw_totals(t);
	draw_tabs(t);
	draw_table(t);
	if (t->help)
		draw_help();
	refresh();
}

void ofx_tui_set_events(struct ofx_tui *t, struct ofx_events *ev)
{
	t->events = ev;
}

void ofx_tui_update(struct ofx_tui *t, const struct ofx_stats *cur,
		    const struct ofx_stats *prev, struct ofx_views *v)
{
	memcpy(t->cur, cur, sizeof(*cur));
	memcpy(t->prev, prev, sizeof(*prev));
	if (t->v)
		ofx_views_put(t->v);
	t->v = v;
	ofx_cevents_update(&t->ev, t->cur, t->v);
	if (t->events)
		ofx_cevents_thresholds(&t->ev, t->events,
				       t->info->epoch_offset_ns);
	t->have = true;
	redraw(t);
}

/* Move the selection by @d rows (clamped). */
static void move_sel(struct ofx_tui *t, long d)
{
	unsigned int v = t->view;
	long s = (long)t->sel[v] + d;

	if (s >= (long)t->table.n)
		s = (long)t->table.n - 1;
	if (s < 0)
		s = 0;
	t->sel[v] = (unsigned int)s;
	t->sel_id[v][0] = '\0';
	if (t->table.n)
		snprintf(t->sel_id[v], sizeof(t->sel_id[v]), "%s",
			 t->table.rows[s].cell[0]);
}

static void set_view(struct ofx_tui *t, unsigned int v)
{
	t->view = v;
}

/* Act on key @k. Return: 1 to quit, 2 for a snapshot now, else 0. */
static int key(struct ofx_tui *t, int k)
{
	unsigned int v = t->view;
	int page = LINES - TOP - 2 > 1 ? LINES - TOP - 2 : 1;

	if (t->help && k != KEY_RESIZE) {
		t->help = false;
		return 0;
	}
	switch (k) {
	case 'q':
	case 'Q':
		return 1;
	case '?':
	case 'h':
		t->help = true;
		break;
	case '1':
	case 't':
		set_view(t, OFX_CV_TYPES);
		break;
	case '2':
	case 's':
		set_view(t, OFX_CV_SUBTYPES);
		break;
	case '3':
	case 'w':
		set_view(t, OFX_CV_SWITCHES);
		break;
	case '4':
	case 'l':
		set_view(t, OFX_CV_LATENCY);
		break;
	case '5':
	case 'e':
		set_view(t, OFX_CV_EVENTS);
		break;
	case '6':
	case 'o':
		set_view(t, OFX_CV_LOSS);
		break;
	case KEY_UP:
	case 'k':
		move_sel(t, -1);
		break;
	case KEY_DOWN:
	case 'j':
		move_sel(t, 1);
		break;
	case KEY_PPAGE:
		move_sel(t, -page);
		break;
	case KEY_NPAGE:
		move_sel(t, page);
		break;
	case KEY_HOME:
	case 'g':
		move_sel(t, -(long)t->table.n);
		break;
	case KEY_END:
	case 'G':
		move_sel(t, (long)t->table.n);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (v == OFX_CV_TYPES && t->sel[v] < t->table.n) {
			t->sub_filter = true;
			t->sub_version = t->table.rows[t->sel[v]].version;
			t->sub_type = t->table.rows[t->sel[v]].type;
			t->sel[OFX_CV_SUBTYPES] = t->top[OFX_CV_SUBTYPES] = 0;
			t->sel_id[OFX_CV_SUBTYPES][0] = '\0';
			set_view(t, OFX_CV_SUBTYPES);
		}
		break;
	case 'a':
		if (v == OFX_CV_SUBTYPES)
			t->sub_filter = false;
		break;
	case 'b':
	case KEY_BACKSPACE:
	case 127:
		if (v == OFX_CV_SUBTYPES)
			set_view(t, OFX_CV_TYPES);
		break;
	case '<':
	case ',':
		if (!t->table.ncols)
			break;
		t->sort[v] = (t->sort[v] + t->table.ncols - 1) % t->table.ncols;
		t->desc[v] = !t->table.cols[t->sort[v]].left;
		break;
	case '>':
	case '.':
		if (!t->table.ncols)
			break;
		t->sort[v] = (t->sort[v] + 1) % t->table.ncols;
		t->desc[v] = !t->table.cols[t->sort[v]].left;
		break;
	case 'r':
		t->desc[v] = !t->desc[v];
		break;
	case ' ':
		return 2;
	default: /* KEY_RESIZE (ncurses has the new size), space, others */
		break;
	}
	return 0;
}

int ofx_tui_keys(struct ofx_tui *t, int timeout_ms)
{
	int k, rc = 0;

	timeout(timeout_ms);
	while ((k = getch()) != ERR) {
		int r = key(t, k);

		if (r == 1)
			return 1;
		if (r)
			rc = r;
		/* the next key of a burst acts on the table it sees */
		if (t->have)
			redraw(t);
		timeout(0);
	}
	return rc;
}

void ofx_tui_message(struct ofx_tui *t, const char *line)
{
	snprintf(t->msg, sizeof(t->msg), "%s", line);
	t->msg_until = mono_ns() + MSG_NS;
	if (t->have)
		redraw(t);
}

void ofx_tui_close(struct ofx_tui *t)
{
	if (!t)
		return;
	curs_set(1);
	endwin();
	delscreen(t->scr);
	signal(SIGTSTP, SIG_DFL);
	if (t->v)
		ofx_views_put(t->v);
	ofx_cevents_free(&t->ev);
	ofx_ctable_free(&t->table);
	free(t->cur);
	free(t->prev);
	free(t);
}
