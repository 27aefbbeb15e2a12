import { startExpressApp } from '../support/apps/express-app.js';
import { describeAdapter } from './adapter-scenarios.js';

describeAdapter('express', startExpressApp, { streaming: true });
