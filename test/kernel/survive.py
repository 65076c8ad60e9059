"""Drives the lakeloop kernel through what it must survive, with jupyter_client (a real
Jupyter client), and prints one JSON object of observations for test/kernel-survival.test.ts.

usage: survive.py KERNEL_NAME EXECUTES
"""
import json
import re
import os
import signal
import subprocess
import sys
import time

from jupyter_client.manager import start_new_kernel

kernel_name = sys.argv[1]
km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=60)
pid = km.provisioner.process.pid
seen = {}


def run(code, timeout=120):
    """Executes code; returns (reply content, [(msg_type, content)] of its iopub output)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append((msg["msg_type"], msg["content"]))
    return reply["content"], outputs


def text(outputs):
    parts = []
    for kind, content in outputs:
        if kind == "stream":
            parts.append(content["text"])
        elif kind in ("execute_result", "display_data", "update_display_data"):
            parts.append(content["data"].get("text/plain", ""))
        elif kind == "error":
            parts.append(content["ename"] + ": " + content["evalue"])
    return "\n".join(parts)


def rss_kb(p):
    with open(f"/proc/{p}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def children(p):
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(p)], capture_output=True, text=True).stdout
    return [(int(l.split(None, 1)[0]), l.split(None, 1)[1]) for l in out.strip().splitlines() if l.strip()]


def scenario(name, fn):
    """Runs one scenario; a scenario that raises is recorded, and the next still runs."""
    print(f"scenario {name} ...", file=sys.stderr, flush=True)
    began = time.time()
    try:
        seen[name] = fn()
        print(f"  {time.time() - began:.1f} s: {json.dumps(seen[name])[:300]}", file=sys.stderr, flush=True)
    except Exception as e:  # recorded for the test to show, never swallowed silently
        seen[name] = {"exception": f"{type(e).__name__}: {e}"}
        print(f"  {time.time() - began:.1f} s: {seen[name]}", file=sys.stderr, flush=True)
        try:
            km.interrupt_kernel()
            kc.get_shell_msg(timeout=30)
        except Exception:
            pass


def failing():
    reply, _ = run('throw new Error("boom")')
    seen["after_failing"] = dict(zip(("status", "text"), (lambda r: (r[0]["status"], text(r[1])))(run("20 + 22"))))
    return {"status": reply["status"], "ename": reply.get("ename"), "evalue": reply.get("evalue")}


def interrupt():
    """A model that never returns, interrupted through the control channel."""
    msg_id = kc.execute('model("spin", {}, () => { for (;;) {} }, { timeoutMs: 600000 })')
    started = time.time()
    # Wait until the model is running on the worker (its progress display names it).
    while time.time() - started < 60:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] in ("display_data", "update_display_data"):
            if "spin" in msg["content"]["data"].get("text/plain", ""):
                break
    time.sleep(0.5)
    # Control is answered while the long cell runs.
    control = kc.session.msg("kernel_info_request")
    kc.control_channel.send(control)
    answer = kc.get_control_msg(timeout=10)
    while answer["parent_header"].get("msg_id") != control["header"]["msg_id"]:
        answer = kc.get_control_msg(timeout=10)
    seen["control_during_long_cell"] = {"msg_type": answer["msg_type"], "status": answer["content"].get("status")}
    interrupted_at = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    seconds = time.time() - interrupted_at
    content, outputs = run('model("after_spin", {}, () => [{ ok: 1 }])')
    seen["after_interrupt"] = {"status": content["status"], "text": text(outputs)}
    return {"status": reply["content"]["status"], "evalue": reply["content"].get("evalue", ""), "seconds": seconds}


def crash():
    """The worker process dies (kill -9); the kernel notices and carries on."""
    workers = [p for p, args in children(pid) if " worker" in args]
    for p in workers:
        os.kill(p, signal.SIGKILL)
    time.sleep(0.5)
    reply, outputs = run('model("after_crash", {}, () => [{ ok: 2 }])', timeout=60)
    first = {"status": reply["status"], "text": text(outputs)}
    if reply["status"] != "ok":
        reply, outputs = run('model("after_crash", {}, () => [{ ok: 3 }])', timeout=60)
    return {"first": first, "status": reply["status"], "text": text(outputs), "killed": len(workers)}


def heap():
    """Heap used, resident and external MB of the kernel after a full collection (%memory)."""
    _, outputs = run("%memory")
    m = re.search(r"heap used ([\d.]+) MB of [\d.]+ MB, resident ([\d.]+) MB, external ([\d.]+) MB", text(outputs))
    return {"heap_mb": float(m.group(1)), "rss_mb": float(m.group(2)), "external_mb": float(m.group(3))}


def executes():
    """Many executes: what the kernel holds after a collection stays flat."""
    for _ in range(100):
        run("1 + 1")
    before = heap()
    for i in range(count):
        run(f"const n{i % 10} = {i}; n{i % 10} * 2")
    after = heap()
    return {"count": count + 100, "before": before, "after": after}


count = executes_wanted = int(sys.argv[2])
try:
    scenario("failing", failing)
    scenario("interrupt", interrupt)
    scenario("after_crash", crash)
    scenario("executes", executes)
    scenario("still_alive", lambda: run("1 + 1")[0]["status"])
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)

print(json.dumps(seen))
