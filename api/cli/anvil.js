#!/usr/bin/env node
// The `anvil` bin: runs the TypeScript CLI through tsx's require hook (a dependency of this package).
require('tsx/cjs');
require('./main.ts');
