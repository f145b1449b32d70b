/**
 * The `k8s:` driver block: one iteration creates one Kubernetes object (a custom resource such as
 * an RDEAgent) through the API server, and a watch on the objects this run made tells when each
 * one was reconciled (a status condition turned True). Used by the reconcile-churn executor.
 */
import { z } from 'zod';

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const k8sDriverSchema = z.strictObject({
  server: z.string().min(1).optional().describe('the API server: a component name from `components:` (its endpoint, e.g. the embedded control plane) or an http(s) URL (give this or kubeconfig)'),
  kubeconfig: z.string().min(1).optional().describe('a kubeconfig file for the API server, relative to the scenario (give this or server)'),
  token: z.string().min(1).optional().describe('with server: bearer token for the API server'),
  apiVersion: z.string().regex(/^[a-z0-9.-]+\/v[a-z0-9]+$|^v1$/, 'apiVersion looks like group/version, e.g. kuberde.io/v1').default('kuberde.io/v1').describe('apiVersion of the objects to create (default kuberde.io/v1)'),
  kind: z.string().min(1).default('RDEAgent').describe('kind of the objects to create (default RDEAgent)'),
  resource: z.string().regex(NAME).default('rdeagents').describe('plural resource name in the API path (default rdeagents)'),
  namespace: z.string().regex(NAME).default('default').describe('namespace the objects are created in'),
  namePrefix: z.string().regex(NAME).max(40).default('churn').describe('objects are named <namePrefix>-<run id>-<n>'),
  labels: z.record(z.string(), z.string()).default({}).describe('labels on every object (the driver adds caplab.io/run=<run id>, and deletes by that label)'),
  spec: z.record(z.string(), z.unknown()).default({}).describe('the objects\' spec, as written in a manifest'),
  readyCondition: z.string().min(1).default('Ready').describe('an object counts as reconciled once status.conditions has this type with status "True"'),
}).superRefine((c, ctx) => {
  if ((c.server === undefined) === (c.kubeconfig === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['server'], message: 'give either `server` (a component name or URL) or `kubeconfig` (a file), not both and not neither' });
  }
  if (c.token !== undefined && c.server === undefined) ctx.addIssue({ code: 'custom', path: ['token'], message: '`token` goes with `server`; a kubeconfig carries its own credentials' });
}).describe('create Kubernetes objects and watch them reconcile: reconcile_lag from create to the ready condition');

export type K8sDriverConfig = z.output<typeof k8sDriverSchema>;
