"""A Python caller of a served virtkit driver over gRPC (Debian's python3-grpcio).

Stubs are generated at run time from the .proto the package ships, into a
temporary directory: the wire contract is all a caller needs.
Usage: grpc_client.py <proto dir> <out dir> <host:port> <instance uuid> [json-text]
With "json-text", capability calls send their request as JSON text (CallRequest.request_json) when the server's
Describe lists that wire feature; without it, as a google.protobuf.Value (what a client of the first version sent).
Prints one JSON object with what it saw.
"""
import json
import os
import sys
import threading

import grpc
from grpc_tools import protoc

proto_dir, out_dir, target, uuid = sys.argv[1:5]
want_text = sys.argv[5:6] == ["json-text"]
include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
code = protoc.main(["protoc", "-I", proto_dir, "-I", include, "--python_out=" + out_dir,
                    "--grpc_python_out=" + out_dir, "virtkit/v1/driver.proto"])
if code != 0:
    sys.exit("protoc failed: %d" % code)
sys.path.insert(0, out_dir)
from google.protobuf import json_format, struct_pb2, wrappers_pb2  # noqa: E402
from virtkit.v1 import driver_pb2, driver_pb2_grpc  # noqa: E402

channel = grpc.insecure_channel(target)
stub = driver_pb2_grpc.DriverServiceStub(channel)
described = stub.Describe(driver_pb2.DescribeRequest(client_contract_version="1.0.0"), timeout=10)
text = want_text and "json-text" in described.wire_features
answered = []

events = []
subscribed = threading.Event()
done = threading.Event()


def watch():
    stream = stub.WatchEvents(driver_pb2.WatchEventsRequest(), timeout=20)
    for message in stream:
        kind = message.WhichOneof("kind")
        if kind == "subscribed":
            subscribed.set()
        elif kind == "event":
            events.append({"sequence": message.event.sequence, "transition": message.event.transition_name,
                           "uuid": message.event.instance_uuid,
                           "host": message.event.host.value if message.event.HasField("host") else None})
            if message.event.transition_name == "PAUSED":
                done.set()
                stream.cancel()
                return


thread = threading.Thread(target=watch, daemon=True)
thread.start()
subscribed.wait(10)


def call(method, request):
    if text:
        request_json = wrappers_pb2.StringValue(value=json.dumps(request))
        response = stub.Call(driver_pb2.CallRequest(method=method, request_json=request_json), timeout=10)
        answered.append("result_json" if response.HasField("result_json") else "result")
        return json.loads(response.result_json.value) if response.result_json.value else None
    value = struct_pb2.Value()
    json_format.ParseDict(request, value)
    response = stub.Call(driver_pb2.CallRequest(method=method, request=value), timeout=10)
    answered.append("result_json" if response.HasField("result_json") else "result")
    return json_format.MessageToDict(response.result) if response.HasField("result") else None


flavor = {"name": "m1.small", "vcpus": 1, "memoryMb": 256, "rootGb": 1}
call("spawn", {"instance": {"uuid": uuid, "name": "py-vm-" + uuid[:8], "flavor": flavor}, "imageMeta": {"id": "cirros", "diskFormat": "qcow2"}})
info = stub.GetInfo(driver_pb2.InstanceRequest(instance=driver_pb2.InstanceRef(uuid=uuid)), timeout=10)
call("pause", {"instance": {"uuid": uuid}})
done.wait(10)
console = call("getConsoleOutput", {"instance": {"uuid": uuid}})

error = None
try:
    stub.GetInfo(driver_pb2.InstanceRequest(instance=driver_pb2.InstanceRef(uuid="00000000-0000-4000-8000-000000000009")), timeout=10)
except grpc.RpcError as e:
    detail = dict(e.trailing_metadata() or ()).get("virtkit-error")
    error = {"status": e.code().name, "virtkit": json.loads(__import__("urllib.parse").parse.unquote(detail)) if detail else None}

print(json.dumps({
    "driver": described.driver_name, "contract": described.contract_version,
    "pause": described.capabilities.get("lifecycle.pause"), "state": driver_pb2.PowerState.Name(info.state),
    "events": events, "error": error, "wire_features": list(described.wire_features), "answered": answered,
    "console": console,
}))
