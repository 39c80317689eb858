# The service under test: renders a report from the key-value backend into
# /run/report-worker/report. It prefers the backend's Unix socket and falls
# back to TCP, retrying both for 1.5 s while the backend starts.
import socket, sys, time


def connect():
    errors = []
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect("/tmp/kv.sock")
        return s, "unix:/tmp/kv.sock"
    except OSError as e:
        errors.append("unix:/tmp/kv.sock: %s" % e)
    try:
        return socket.create_connection(("127.0.0.1", 7070), timeout=1), "tcp:127.0.0.1:7070"
    except OSError as e:
        errors.append("tcp:127.0.0.1:7070: %s" % e)
    raise OSError("; ".join(errors))


for attempt in range(15):
    try:
        conn, via = connect()
        break
    except OSError as e:
        error = e
        time.sleep(0.1)
else:
    sys.exit("report-worker: backend unreachable: %s" % error)

f = conn.makefile("rw")
values = []
for key in ("report:title", "report:rows"):
    f.write("GET %s\n" % key)
    f.flush()
    values.append(f.readline().strip())
with open("/run/report-worker/report.tmp", "w") as out:
    out.write("%s: %s rows (via %s)\n" % (values[0], values[1], via))
import os
os.rename("/run/report-worker/report.tmp", "/run/report-worker/report")
print("report-worker: report written via", via, flush=True)
while True:
    time.sleep(60)
