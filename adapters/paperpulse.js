#!/usr/bin/env node
// The `paperpulse` executable (package.json "bin"). Runs the TypeScript sources through tsx, so a fresh
// checkout works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
