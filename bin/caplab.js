#!/usr/bin/env node
// caplab runs its TypeScript sources in place through tsx: no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
