import preset from '../../jest.preset.js';

// Each command runs as its own process (through tsx), so a test takes seconds rather than milliseconds.
export default { ...preset, testTimeout: 60_000 };
