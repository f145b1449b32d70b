#!/bin/sh
# The reference image's entry point: `<component> [--flag value ...]`, as reference-impl/main.ts
# takes it. A leading `caplab` and `serve` are dropped, so the args the operator writes for agent
# pods (`serve tunnel-agent ...`) and the embedded kubelet reads run the same way here.
# exec: node replaces this shell as PID 1 and receives the pod's SIGTERM itself.
[ "$1" = caplab ] && shift
[ "$1" = serve ] && shift
exec node --import tsx /app/reference-impl/main.ts "$@"
