import { startFastifyApp } from '../support/apps/fastify-app.js';
import { describeAdapter } from './adapter-scenarios.js';

describeAdapter('fastify', startFastifyApp);
