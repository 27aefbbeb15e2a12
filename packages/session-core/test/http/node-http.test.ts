import { startNodeHttpApp } from '../support/apps/node-http-app.js';
import { describeAdapter } from './adapter-scenarios.js';

describeAdapter('node-http', startNodeHttpApp);
