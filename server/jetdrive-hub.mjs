#!/usr/bin/env node
// The service command (package bin `jetdrive-hub`): runs server/main.ts in this very process, so SIGTERM and SIGINT
// from a process manager reach the hub itself — no npm, shell or tsx wrapper process in between to swallow them.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
