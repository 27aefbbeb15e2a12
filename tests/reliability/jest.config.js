import preset from '../../jest.preset.js';

// Load and fault runs take longer than unit tests; each file still bounds its own work.
export default { ...preset, testTimeout: 120_000 };
