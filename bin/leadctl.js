#!/usr/bin/env node
'use strict';
// Lambda runs Node 22; on an admin's Node 20 the SDK's notice about future versions is noise.
// Set before anything loads the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The CLI is TypeScript like the rest of the project; tsx compiles it on load, so there is
// no build step between editing and running it.
require('tsx/cjs');
require('../cli/leadctl.ts');
