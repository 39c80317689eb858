# A tiny key-value backend (think memcached or redis) started by its own,
# unhardened unit. Like many local daemons it listens on a Unix socket in
# /tmp and on TCP 127.0.0.1:7070. Protocol: "GET key\n" -> "value\n".
import os, socket, socketserver, threading

STORE = {"report:title": "Weekly report", "report:rows": "42"}


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            parts = line.decode().split()
            if len(parts) == 2 and parts[0] == "GET":
                self.wfile.write((STORE.get(parts[1], "") + "\n").encode())


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


path = "/tmp/kv.sock"
if os.path.exists(path):
    os.unlink(path)
unix = UnixServer(path, Handler)
os.chmod(path, 0o666)
tcp = TCPServer(("127.0.0.1", 7070), Handler)
threading.Thread(target=unix.serve_forever, daemon=True).start()
print("kv-backend: listening on", path, "and 127.0.0.1:7070", flush=True)
tcp.serve_forever()
