"""A Python caller of a served virtkit driver with plain HTTP and JSON (urllib only, no gRPC library).

Unary calls are Connect protocol: POST /virtkit.v1.DriverService/<Method> with a JSON body. The event stream
is a Connect server stream: POST with Content-Type application/connect+json, each message framed by a 1-byte
flag and a 4-byte big-endian length.
Usage: json_client.py <http://host:port> <instance uuid>
"""
import json
import struct
import sys
import threading
import urllib.error
import urllib.request

base, uuid = sys.argv[1:3]


def unary(method, body):
    request = urllib.request.Request(base + "/virtkit.v1.DriverService/" + method, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        return {"httpStatus": e.code, "body": json.loads(e.read() or b"{}"),
                "virtkit": json.loads(urllib.parse.unquote(e.headers.get("virtkit-error", "%7B%7D")))}


events = []
subscribed = threading.Event()
done = threading.Event()


def watch():
    envelope = json.dumps({}).encode()
    request = urllib.request.Request(base + "/virtkit.v1.DriverService/WatchEvents",
                                     data=struct.pack(">BI", 0, len(envelope)) + envelope,
                                     headers={"Content-Type": "application/connect+json"}, method="POST")
    with urllib.request.urlopen(request, timeout=20) as response:
        while True:
            head = response.read(5)
            if len(head) < 5:
                return
            flags, size = struct.unpack(">BI", head)
            message = json.loads(response.read(size))
            if flags & 2:
                return
            if "subscribed" in message:
                subscribed.set()
            elif "event" in message:
                events.append({"sequence": int(message["event"]["sequence"]), "transition": message["event"]["transitionName"],
                               "uuid": message["event"]["instanceUuid"], "host": message["event"].get("host")})
                if message["event"]["transitionName"] == "PAUSED":
                    done.set()
                    return


thread = threading.Thread(target=watch, daemon=True)
thread.start()
subscribed.wait(10)

described = unary("Describe", {"clientContractVersion": "1.0.0"})
flavor = {"name": "m1.small", "vcpus": 1, "memoryMb": 256, "rootGb": 1}
unary("Call", {"method": "spawn", "request": {"instance": {"uuid": uuid, "name": "json-vm", "flavor": flavor},
                                               "imageMeta": {"id": "cirros", "diskFormat": "qcow2"}}})
info = unary("GetInfo", {"instance": {"uuid": uuid}})
unary("Call", {"method": "pause", "request": {"instance": {"uuid": uuid}}})
done.wait(10)
missing = unary("GetInfo", {"instance": {"uuid": "00000000-0000-4000-8000-000000000009"}})
invalid = unary("Call", {"method": "spawn", "request": {"instance": {"uuid": "not-a-uuid"}}})
mismatch = unary("Describe", {"clientContractVersion": "2.0.0"})
# The same call with its request as JSON text (CallRequest.requestJson, the wire feature "json-text"): the answer
# comes as JSON text too (resultJson); text that is not JSON is refused as invalid.
console_text = unary("Call", {"method": "getConsoleOutput", "requestJson": json.dumps({"instance": {"uuid": uuid}})})
console_value = unary("Call", {"method": "getConsoleOutput", "request": {"instance": {"uuid": uuid}}})
bad_text = unary("Call", {"method": "pause", "requestJson": "{not json"})

print(json.dumps({
    "driver": described.get("driverName"), "contract": described.get("contractVersion"),
    "pause": described.get("capabilities", {}).get("lifecycle.pause"), "state": info.get("state"),
    "events": events, "missing": missing, "invalid": invalid, "mismatch": mismatch,
    "wireFeatures": described.get("wireFeatures"), "consoleText": console_text, "consoleValue": console_value,
    "badText": bad_text,
}))
