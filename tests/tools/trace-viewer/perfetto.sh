# SPDX-License-Identifier: GPL-2.0
# Sourced by run.sh (TV, B, W, JC, here, bad, usage_bad, $W/la.dat): the
# --perfetto cases.  The files are checked by techeck.py (the Trace Event
# Format's rules) and their contents against the generators' construction:
# la_fixture.c (gen-la: 2 VMs x 2 vCPUs, 32 rounds, 20 us round trips) and
# gen_x86.c (gen-x86: VM x86-vm-a with vCPUs 3001/3002 and an unnamed VM's
# 3201, 16 rounds).
TE="python3 $here/techeck.py --names --quiet"
LA_TIDS="[1001, 1002, 1101, 1102]"

# ---- LoongArch ----
if "$TV" --perfetto "$W/pf-la.json" "$W/la.dat" >"$W/out" 2>"$W/err"; then
	kt_check pf-la-format "$($TE "$W/pf-la.json" | head -3)" $TE "$W/pf-la.json"
	kt_check pf-la-quiet "stdout: $(head -c 100 "$W/out")" test ! -s "$W/out"
	kt_check pf-la-processes-threads "names differ" $JC "$W/pf-la.json" \
		'{(e["pid"], e["args"]["name"]) for e in evs(ph="M", name="process_name")} == {(1000, "la-vm-0"), (1100, "la-vm-1")}' \
		'sorted((e["pid"], e["tid"], e["args"]["name"]) for e in evs(ph="M", name="thread_name")) == [(1000, 1001, "vCPU 0"), (1000, 1002, "vCPU 1"), (1100, 1101, "vCPU 0"), (1100, 1102, "vCPU 1")]' \
		'{(e["pid"], e["tid"]) for e in d["traceEvents"] if e["ph"] in "Xi"} == {(1000, 1001), (1000, 1002), (1100, 1101), (1100, 1102)}'
	kt_check pf-la-exits "exit slices differ from the fixture's" $JC "$W/pf-la.json" \
		'per(lambda e: e["name"], ph="X", cat="exit") == {"GSPR": 384, "INT": 128, "TLBL": 128, "TLBS": 128}' \
		"per(lambda e: (e['tid'], e['name']), ph='X', cat='exit') == {(t, n): c for t in $LA_TIDS for n, c in (('GSPR', 96), ('INT', 32), ('TLBL', 32), ('TLBS', 32))}" \
		'per(lambda e: (e["name"], ns(e["dur"])), ph="X", cat="exit") == {("GSPR", 800): 128, ("GSPR", 20300): 128, ("GSPR", 50200): 128, ("TLBL", 500): 128, ("INT", 200): 128, ("TLBS", 20200): 128}'
	kt_check pf-la-exit-args "exit args differ" $JC "$W/pf-la.json" \
		'per(lambda e: (e["name"], e["args"]["ecode"], e["args"]["esubcode"]), cat="exit") == {("GSPR", 22, 0): 384, ("INT", 0, 0): 128, ("TLBL", 1, 0): 128, ("TLBS", 2, 0): 128}' \
		'per(lambda e: (e["args"]["gspr"], e["args"].get("csr"), e["args"].get("csr_name"), e["args"].get("iocsr"), e["args"].get("userspace_exit"), ns(e["dur"])), name="GSPR") == {("csr", "0x41", "TCFG", None, None, 800): 128, ("iocsr", None, None, "0x1000", "loongarch_iocsr", 20300): 128, ("idle", None, None, None, None, 50200): 128}' \
		'all(e["args"]["gpa"] == "0x120000000" for e in evs(name="TLBL"))' \
		'all(e["args"]["gpa"] == "0x1fe00000" and e["args"]["mmio"] == "read" and e["args"]["userspace_exit"] == "mmio" for e in evs(name="TLBS"))'
	kt_check pf-la-instants "instants differ" $JC "$W/pf-la.json" \
		"per(lambda e: (e['tid'], e['name'], e['args']['irq']), ph='i', cat='irq') == {(t, n, 11): 32 for t in $LA_TIDS for n in ('irq queued', 'irq delivered')}" \
		"per(lambda e: (e['tid'], e['name']), ph='i', cat='timer') == {(t, 'timer arm'): 1 for t in $LA_TIDS}" \
		'all(e["s"] == "t" for e in evs(ph="i"))'
	# per vCPU: 32 x 50 us halted (IDLE to re-entry), 32 x 2 x 20 us in userspace; halted inside an IDLE exit
	kt_check pf-la-states "state slices differ" $JC "$W/pf-la.json" \
		"all(sum(ns(e['dur']) for e in evs(cat='state', name='halted', tid=t)) == 32 * 50000 for t in $LA_TIDS)" \
		"all(sum(ns(e['dur']) for e in evs(cat='state', name='userspace', tid=t)) == 32 * 40000 for t in $LA_TIDS)" \
		'all(any(x["tid"] == h["tid"] and x["args"]["gspr"] == "idle" and ns(x["ts"]) <= ns(h["ts"]) and ns(h["ts"] + h["dur"]) <= ns(x["ts"] + x["dur"]) for x in evs(name="GSPR")) for h in evs(name="halted"))'
	kt_check pf-la-counters "exit-rate counters differ" $JC "$W/pf-la.json" \
		'int(d["otherData"]["exit_rate_bin_ns"]) % 1000 == 0 and bin(int(d["otherData"]["exit_rate_bin_ns"]) // 1000).count("1") == 1' \
		'all(round(sum(e["args"]["exits/s"] for e in evs(ph="C", pid=p)) * int(d["otherData"]["exit_rate_bin_ns"]) / 1e9) == 384 for p in (1000, 1100))' \
		'all(2 <= len(evs(ph="C", pid=p)) <= 513 for p in (1000, 1100))' \
		'all(ns(b["ts"]) - ns(a["ts"]) == int(d["otherData"]["exit_rate_bin_ns"]) for p in (1000, 1100) for a, b in zip(evs(ph="C", pid=p), evs(ph="C", pid=p)[1:]))'
else
	kt_fail pf-la-format "trace-viewer failed: $(cat "$W/err")"
fi

# ---- x86 ----
"$B/gen-x86" "$here/fixtures/x86" "$W/x86.dat" 16 || kt_fail pf-x86-fixture "gen-x86 failed"
X86_TIDS="[3001, 3002, 3201]"
if "$TV" --perfetto "$W/pf-x86.json" "$W/x86.dat" >/dev/null 2>"$W/err"; then
	kt_check pf-x86-format "$($TE "$W/pf-x86.json" | head -3)" $TE "$W/pf-x86.json"
	kt_check pf-x86-processes-threads "names differ" $JC "$W/pf-x86.json" \
		'{(e["pid"], e["args"]["name"]) for e in evs(ph="M", name="process_name")} == {(3000, "x86-vm-a"), (0, "unknown")}' \
		'sorted((e["pid"], e["tid"], e["args"]["name"]) for e in evs(ph="M", name="thread_name")) == [(0, 3201, "vCPU 0"), (3000, 3001, "vCPU 0"), (3000, 3002, "vCPU 1")]'
	kt_check pf-x86-exits "exit slices differ from gen-x86's" $JC "$W/pf-x86.json" \
		"per(lambda e: (e['tid'], e['name'], e['args']['exit_reason'], e['args']['isa'], ns(e['dur'])), ph='X', cat='exit') == {(t, n, r, 'VMX', du): 16 for t in $X86_TIDS for n, r, du in (('IO_INSTRUCTION', 30, 20300), ('EPT_VIOLATION', 48, 600), ('MSR_WRITE', 32, 400), ('EXTERNAL_INTERRUPT', 1, 200), ('HLT', 12, 30000))}" \
		'all(e["args"]["port"] == "0x3f8" and e["args"]["pio"] == "out" and e["args"]["userspace_exit"] == "io" for e in evs(name="IO_INSTRUCTION"))' \
		'all(e["args"]["gpa"] == "0xfeb00000" for e in evs(name="EPT_VIOLATION"))' \
		'all(e["args"]["msr"] == "0x6e0" and e["args"]["msr_op"] == "wrmsr" for e in evs(name="MSR_WRITE"))'
	kt_check pf-x86-instants "instants differ" $JC "$W/pf-x86.json" \
		"per(lambda e: (e['tid'], e['name'], e['args']['irq']), ph='i', cat='irq') == {(t, n, 0xec): 16 for t in $X86_TIDS for n in ('irq queued', 'irq delivered')}" \
		'per(lambda e: (e["tid"], e["args"]["vcpu"]), name="irq queued") == {(3001, 0): 16, (3002, 1): 16, (3201, 0): 16}'
	kt_check pf-x86-states "state slices differ" $JC "$W/pf-x86.json" \
		"all(sum(ns(e['dur']) for e in evs(cat='state', name='halted', tid=t)) == 16 * 30000 for t in $X86_TIDS)" \
		"all(sum(ns(e['dur']) for e in evs(cat='state', name='userspace', tid=t)) == 16 * 20000 for t in $X86_TIDS)"
	kt_check pf-x86-counters "exit-rate counters differ" $JC "$W/pf-x86.json" \
		'[round(sum(e["args"]["exits/s"] for e in evs(ph="C", pid=p)) * int(d["otherData"]["exit_rate_bin_ns"]) / 1e9) for p in (3000, 0)] == [160, 80]'
else
	kt_fail pf-x86-format "trace-viewer failed: $(cat "$W/err")"
fi
# 200 interrupts inside one guest slice and one HLT exit: held back in order, the exit not split
"$B/gen-x86" "$here/fixtures/x86" "$W/storm.dat" 16 storm &&
"$TV" --perfetto "$W/pf-storm.json" "$W/storm.dat" 2>"$W/err"
kt_check pf-x86-many-in-one-slice "$($TE "$W/pf-storm.json" 2>&1 | head -3)" $TE "$W/pf-storm.json"
kt_check pf-x86-many-counts "counts differ" $JC "$W/pf-storm.json" \
	'len(evs(name="irq queued", tid=3001)) == 216 and len(evs(name="HLT", tid=3001)) == 16'

# ---- with the other outputs, filters ----
"$TV" --json --perfetto "$W/pf-both.json" --html "$W/pf-both.html" "$W/la.dat" >"$W/pf-report.json" 2>"$W/err"
kt_check pf-with-json-html "$(cat "$W/err")" $JC "$W/pf-report.json" \
	'd["schema"] == "trace-viewer" and d["exits"]["total"] == 768'
kt_check pf-with-json-html-files "the Trace Event file or the HTML is missing" \
	sh -c "$TE '$W/pf-both.json' >/dev/null && grep -q data-ready '$W/pf-both.html'"
"$TV" --perfetto "$W/pf-vm1.json" --vm la-vm-1 "$W/la.dat" 2>"$W/err"
kt_check pf-filter-vm "$(cat "$W/err")" $JC "$W/pf-vm1.json" \
	'{e["pid"] for e in d["traceEvents"]} == {1100} and len(evs(ph="X", cat="exit")) == 384'

# ---- bad input: one line, exit 1 (2 for usage), nothing on stdout ----
bad pf-no-such-dir "$W/no/such/dir/t.json: No such file or directory" --perfetto "$W/no/such/dir/t.json" "$W/la.dat"
bad pf-a-directory "$W: Is a directory" --perfetto "$W" "$W/la.dat"
bad pf-disk-full "/dev/full: write failed" --perfetto /dev/full "$W/la.dat"
rm -f "$W/pf-none.json"
bad pf-bad-trace "No such file" --perfetto "$W/pf-none.json" "$W/none.dat"
kt_check pf-bad-trace-no-output "an output was created for a trace that cannot be read" test ! -e "$W/pf-none.json"
usage_bad pf-empty-name "--perfetto: empty file name" --perfetto '' "$W/la.dat"
usage_bad pf-with-view "--perfetto: not with view" view --perfetto "$W/x.json" "$W/la.dat"
usage_bad pf-same-file-as-html "--perfetto and --html name the same file" --html "$W/x" --perfetto "$W/x" "$W/la.dat"

# ---- the checks can fail: techeck.py rejects each broken copy, the counts a changed one ----
python3 - "$W/pf-la.json" "$W/pfm" <<'EOF'
import copy, json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
def first(pred):
    return next(i for i, e in enumerate(ev) if pred(e))
def out(name, dd=None, text=None):
    with open("%s-%s.json" % (sys.argv[2], name), "w") as f:
        f.write(text if text is not None else json.dumps(dd))
def mut(name, fn):
    dd = copy.deepcopy(d)
    fn(dd["traceEvents"])
    out(name, dd)
x = first(lambda e: e.get("cat") == "exit")
nxt = first(lambda e: e.get("cat") == "state" and e["tid"] == ev[x]["tid"] and e["ts"] >= ev[x]["ts"] + ev[x]["dur"] and e["dur"] > 0.2)
def overlap(l):
    l[x]["dur"] = round(l[nxt]["ts"] - l[x]["ts"] + 0.1, 3)
mut("negative-dur", lambda l: l[x].update(dur=-0.5))
mut("negative-ts", lambda l: l[x].update(ts=-1))
mut("partial-overlap", overlap)
mut("out-of-order", lambda l: l.__setitem__(slice(x, nxt + 1), [l[nxt]] + l[x:nxt]))
mut("unknown-ph", lambda l: l[x].update(ph="Q"))
mut("no-thread-name", lambda l: l.remove(next(e for e in l if e.get("name") == "thread_name")))
mut("string-counter", lambda l: next(e for e in l if e["ph"] == "C")["args"].update({"exits/s": "many"}))
mut("unmatched-end", lambda l: l.append({"ph": "E", "name": "x", "pid": 1000, "tid": 1001, "ts": 1e9}))
mut("dur-missing", lambda l: l[x].pop("dur"))
out("truncated", text=open(sys.argv[1]).read()[:5000])
out("no-events", {"events": ev})
# for the count checks
mut("exit-dropped", lambda l: l.pop(x))
mut("exit-renamed", lambda l: l[x].update(name="TLBL"))
mut("instant-dropped", lambda l: l.remove(next(e for e in l if e["ph"] == "i" and e["cat"] == "irq")))
EOF
for m in negative-dur negative-ts partial-overlap out-of-order unknown-ph no-thread-name string-counter \
	 unmatched-end dur-missing truncated no-events; do
	if $TE "$W/pfm-$m.json" >"$W/out" 2>&1; then kt_fail pf-check-rejects-$m "techeck.py accepted it"
	else kt_pass pf-check-rejects-$m; fi
done
for m in exit-dropped exit-renamed; do
	if $JC "$W/pfm-$m.json" 'per(lambda e: e["name"], ph="X", cat="exit") == {"GSPR": 384, "INT": 128, "TLBL": 128, "TLBS": 128}' >/dev/null
	then kt_fail pf-count-rejects-$m "the exit count check accepted it"; else kt_pass pf-count-rejects-$m; fi
done
if $JC "$W/pfm-instant-dropped.json" "per(lambda e: (e['tid'], e['name'], e['args']['irq']), ph='i', cat='irq') == {(t, n, 11): 32 for t in $LA_TIDS for n in ('irq queued', 'irq delivered')}" >/dev/null
then kt_fail pf-count-rejects-instant-dropped "the instant count check accepted it"; else kt_pass pf-count-rejects-instant-dropped; fi

# ---- docs: every long option of --help in the man page and docs/trace-viewer.md ----
missing=$("$TV" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u | while read -r f; do
	grep -q -- "$(printf '%s' "$f" | sed 's/-/\\\\-/g')" "$here/../../../docs/man/trace-viewer.1" || echo "man:$f"
	grep -q -- "$f[ ,=\`|]" "$here/../../../docs/trace-viewer.md" || echo "md:$f"
done | tr '\n' ' ')
kt_check docs-every-option "not documented: $missing" test -z "$missing"

# ---- the schema of the file (docs/json/trace-viewer-trace-events.v1.schema.json) ----
pf_schema() {	# FILE: validates
	python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$1" \
		"$here/../../../docs/json/trace-viewer-trace-events.v1.schema.json" 2>&1 | tail -1
	return "${PIPESTATUS[0]}"
}
for f in la x86 storm; do
	kt_check pf-schema-$f "$(pf_schema "$W/pf-$f.json")" pf_schema "$W/pf-$f.json"
done
for m in negative-dur unknown-ph string-counter dur-missing; do
	if pf_schema "$W/pfm-$m.json" >/dev/null; then kt_fail pf-schema-rejects-$m "the schema accepted it"
	else kt_pass pf-schema-rejects-$m; fi
done

# ---- a v7 zstd file (read twice through libtracecmd, not the direct reader): the same file ----
if trace-cmd convert -i "$W/la.dat" -o "$W/pf-la7.dat" --file-version 7 --compression zstd >/dev/null 2>&1; then
	"$TV" --perfetto "$W/pf-la7.json" "$W/pf-la7.dat" 2>"$W/err"
	kt_check pf-v7-zstd "differs from the v6 file's: $(cat "$W/err")" cmp -s "$W/pf-la.json" "$W/pf-la7.json"
else
	kt_skip pf-v7-zstd "trace-cmd convert cannot write v7 zstd here"
fi
