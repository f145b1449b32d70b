#!/bin/sh
# The reference image's entry point: `<component> [--flag value ...]`, as reference-impl/main.ts
# takes it. A leading `caplab` and `serve` are dropped, so the args the operator writes for agent
# pods (`serve tunnel-agent ...`) and the embedded kubelet reads run the same way here.
# `load-generator --listen HOST:PORT [...]` runs a load generator instead (the Indexed Job's pods).
# exec: node replaces this shell as PID 1 and receives the pod's SIGTERM itself.
[ "$1" = caplab ] && shift
if [ "$1" = load-generator ]; then
  shift
  exec node --import tsx /app/harness/run/load-generator-process.ts "$@"
fi
[ "$1" = serve ] && shift
exec node --import tsx /app/reference-impl/main.ts "$@"
