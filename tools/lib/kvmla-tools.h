/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmla-tools.h: userspace helpers shared by the kvmla tools (libkvmla.a).
 *
 * The catalog in include/kvmla/ expanded into lookup arrays (names and JSON
 * keys of every value list, the events and their fields), plus small procfs
 * helpers used to name VMs and vCPUs.  Additive: add, never change.
 */
#ifndef KVMLA_TOOLS_H
#define KVMLA_TOOLS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* One symbolic value of a catalog value list. */
struct kvmla_sym {
	unsigned long long value;
	const char *name;	/* NAME, as in the catalog and tracepoints */
	const char *key;	/* json_key */
};

/* A catalog value list, by the name used in KVMLA_SYMS_<name>. */
struct kvmla_symlist {
	const char *name;	/* "ECODE", "CSR", "KVM_EXIT", ... */
	const struct kvmla_sym *syms;
	unsigned int nsyms;
};

struct kvmla_event_field {
	const char *type;	/* "u32", "u64", ... */
	const char *name;
	const char *fmt;
	const char *symbols;	/* value list name or "NONE" */
};

struct kvmla_event_desc {
	const char *name;	/* tracepoint name, e.g. "kvm_exit" */
	const char *help;
	const struct kvmla_event_field *fields;
	unsigned int nfields;
};

extern const struct kvmla_symlist kvmla_symlists[];
extern const unsigned int kvmla_nsymlists;
extern const struct kvmla_event_desc kvmla_events[];
extern const unsigned int kvmla_nevents;

const struct kvmla_symlist *kvmla_symlist_find(const char *name);
const struct kvmla_sym *kvmla_sym_by_value(const struct kvmla_symlist *l,
					   unsigned long long value);
const struct kvmla_sym *kvmla_sym_by_name(const struct kvmla_symlist *l, const char *name);
const struct kvmla_sym *kvmla_sym_by_key(const struct kvmla_symlist *l, const char *key);
const struct kvmla_event_desc *kvmla_event_find(const char *name);
const struct kvmla_event_field *kvmla_event_field_find(const struct kvmla_event_desc *ev,
							const char *field);
/* Shortcuts for the lists the tools use most. */
const char *kvmla_ecode_name(unsigned int ecode);	/* NULL if unknown */
const char *kvmla_ecode_key(unsigned int ecode);
const char *kvmla_kvm_exit_key(unsigned int reason);
const char *kvmla_csr_name(unsigned int csr);

/*
 * Turn any symbolic name into a JSON key: lower case, every run of
 * characters other than [a-z0-9] becomes one '_', no leading or trailing
 * '_'.  "IO_INSTRUCTION" -> "io_instruction", "DE excp" -> "de_excp".
 * Returns dst.
 */
char *kvmla_json_key(char *dst, size_t size, const char *name);

/* procfs: VM name from a QEMU-style "-name NAME" (or "guest=NAME,...") in
 * /proc/PID/cmdline.  Returns 0 and fills buf, -errno otherwise. */
int kvmla_proc_vm_name(pid_t pid, char *buf, size_t size);
/* procfs: the comm of a thread ("CPU 1/KVM"). */
int kvmla_proc_thread_name(pid_t pid, pid_t tid, char *buf, size_t size);
/* vCPU index from a thread name "CPU <n>/KVM", or -1. */
int kvmla_vcpu_from_thread_name(const char *comm);
/* true if PID exists and is neither a zombie nor dead */
/* /proc/PID/stat read into buf; returns its text after "(comm) ", or NULL */
char *kvmla_proc_stat(pid_t pid, char *buf, size_t size);
bool kvmla_proc_alive(pid_t pid);
/* true if PID holds a KVM VM fd (anon_inode:kvm-vm): it is a VMM */
/* a kernel thread (PF_KTHREAD); its comm into comm[size] when non-NULL */
bool kvmla_proc_kthread(pid_t pid, char *comm, size_t size);
bool kvmla_proc_has_kvm_vm(pid_t pid);

/* log2 bucket of a value (bucket i holds [2^i, 2^(i+1)); 0 and 1 go to 0) */
unsigned int kvmla_log2_bucket(unsigned long long v);

/*
 * One voice (voice.c): every tool says an error the same way and exits with
 * the same codes.  An error is one line "PROG: message" on stderr; in JSON
 * mode the same message is also one line {"error": "message"} on stdout.
 */
#define KVMLA_EXIT_FAILURE	1	/* the work failed: a file, the kernel, memory */
#define KVMLA_EXIT_USAGE	2	/* bad usage: an unknown option, a bad value */

/* the last line of every tool's --help (README.md says what to include) */
#define KVMLA_BUG_REPORT \
	"Report bugs: see README.md of the kvmla source, section \"Reporting bugs\".\n"

/* the program name of messages, and whether errors are also JSON on stdout */
void kvmla_err_setup(const char *prog, bool json);
void kvmla_err_json(bool json);
bool kvmla_err_json_on(void);
void kvmla_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvmla_verr(const char *fmt, va_list ap);
/* kvmla_err(), then returns rc: "return kvmla_fail(KVMLA_EXIT_USAGE, ...)" */
int kvmla_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* {"error": "msg"} and a newline on f (msg escaped; bytes not UTF-8 as U+FFFD) */
/* a JSON string, quoted: UTF-8 kept, controls escaped, bytes that are not UTF-8 as U+FFFD */
void kvmla_json_str(FILE *f, const char *s);
void kvmla_json_error(FILE *f, const char *msg);

/*
 * Allocation that does not return NULL: out of memory calls the restore
 * hook (a TUI's endwin()), says "PROG: out of memory" and exits 1.
 * KVMLA_TEST_ALLOC_FAIL=N makes the Nth of these allocations fail (tests).
 */
void kvmla_err_restore(void (*restore)(void));	/* NULL: nothing to restore */
void kvmla_oom(void) __attribute__((noreturn));
void *kvmla_xmalloc(size_t size);
void *kvmla_xcalloc(size_t n, size_t size);
void *kvmla_xrealloc(void *p, size_t size);
char *kvmla_xstrdup(const char *s);

#endif /* KVMLA_TOOLS_H */
