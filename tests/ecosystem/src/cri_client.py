#!/usr/bin/python3
"""A small CRI client for the ecosystem tests: what crictl would do, for the calls the tests
need, over the CRI v1 gRPC API of a containerd socket. Replies are printed as JSON.

The messages come from cri-subset.proto, compiled at run time with grpc_tools.protoc into a
descriptor set and loaded dynamically (Debian's protoc 3.5 generates Python code that its
protobuf 4 runtime refuses, a descriptor set works with both).

  cri_client.py SOCKET version | status | pods
  cri_client.py SOCKET runp HANDLER POD-CONFIG-JSON
  cri_client.py SOCKET podstatus|stopp|rmp POD-ID
  cri_client.py SOCKET create POD-ID CONTAINER-CONFIG-JSON POD-CONFIG-JSON
  cri_client.py SOCKET start|stop|rm|inspect CONTAINER-ID
  cri_client.py SOCKET exec CONTAINER-ID TIMEOUT CMD...   (exits with the command's status)
  cri_client.py SOCKET inspecti IMAGE
"""
import json
import os
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = "cri-subset.proto"


def compile_proto(out):
    from grpc_tools import protoc
    if protoc.main(["protoc", "-I" + HERE, "--descriptor_set_out=" + out, PROTO]) != 0:
        sys.exit("protoc failed on " + PROTO)


def load_messages():
    # ECO_CRI_DESC caches the compiled descriptor set between calls of one test run.
    cache = os.environ.get("ECO_CRI_DESC")
    if cache and not os.path.exists(cache):
        compile_proto(cache)
    if cache:
        with open(cache, "rb") as f:
            fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            compile_proto(os.path.join(tmp, "cri.desc"))
            with open(os.path.join(tmp, "cri.desc"), "rb") as f:
                fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    file_desc = pool.FindFileByName(PROTO)

    def cls(name):
        desc = pool.FindMessageTypeByName("runtime.v1." + name)
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(desc)
        return message_factory.MessageFactory(pool).GetPrototype(desc)

    methods = {}
    for service in file_desc.services_by_name.values():
        for m in service.methods:
            methods[m.name] = ("/%s/%s" % (service.full_name, m.name),
                               cls(m.input_type.name), cls(m.output_type.name))
    return methods


class Client:
    def __init__(self, socket):
        self.channel = grpc.insecure_channel("unix://" + socket)
        self.methods = load_messages()

    def call(self, method, request=None, timeout=60):
        path, req_cls, resp_cls = self.methods[method]
        req = req_cls()
        if request:
            json_format.ParseDict(request, req)
        stub = self.channel.unary_unary(path, request_serializer=req_cls.SerializeToString,
                                        response_deserializer=resp_cls.FromString)
        return stub(req, timeout=timeout)


def show(msg):
    print(json.dumps(json_format.MessageToDict(msg, preserving_proto_field_name=True,
                                               including_default_value_fields=True),
                     indent=1, sort_keys=True))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    c, cmd, args = Client(argv[1]), argv[2], argv[3:]
    if cmd == "version":
        show(c.call("Version", {"version": "v1"}))
    elif cmd == "status":
        show(c.call("Status", {}))
    elif cmd == "pods":
        show(c.call("ListPodSandbox"))
    elif cmd == "runp":
        show(c.call("RunPodSandbox", {"runtime_handler": args[0], "config": json.loads(args[1])},
                    timeout=120))
    elif cmd in ("podstatus", "stopp", "rmp"):
        method = {"podstatus": "PodSandboxStatus", "stopp": "StopPodSandbox",
                  "rmp": "RemovePodSandbox"}[cmd]
        show(c.call(method, {"pod_sandbox_id": args[0]}))
    elif cmd == "create":
        show(c.call("CreateContainer", {"pod_sandbox_id": args[0], "config": json.loads(args[1]),
                                        "sandbox_config": json.loads(args[2])}))
    elif cmd in ("start", "rm", "inspect"):
        method = {"start": "StartContainer", "rm": "RemoveContainer",
                  "inspect": "ContainerStatus"}[cmd]
        show(c.call(method, {"container_id": args[0]}))
    elif cmd == "stop":
        show(c.call("StopContainer", {"container_id": args[0],
                                      "timeout": int(args[1]) if len(args) > 1 else 0}))
    elif cmd == "exec":
        timeout = int(args[1])
        r = c.call("ExecSync", {"container_id": args[0], "cmd": args[2:], "timeout": timeout},
                   timeout=timeout + 30)
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        return r.exit_code
    elif cmd == "inspecti":
        show(c.call("ImageStatus", {"image": {"image": args[0]}}))
    else:
        sys.exit("unknown command " + cmd)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except grpc.RpcError as e:
        sys.exit("rpc error: %s: %s" % (e.code(), e.details()))
