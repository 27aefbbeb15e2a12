import { startHonoApp } from '../support/apps/hono-app.js';
import { describeAdapter } from './adapter-scenarios.js';

describeAdapter('hono', startHonoApp);
