import preset from '../../jest.preset.js';

// Each code block runs as its own process (tsx), so a test takes seconds rather than milliseconds.
export default { ...preset, testTimeout: 60_000 };
