import preset from '../../jest.preset.js';

// Firebird moves a large session's BLOB at about 1 MB/s through node-firebird: the compliance
// suite's session of 100 000 encrypted fields takes ~20 s there on an idle machine, too close to
// the preset's 30 s when the engines' files run in parallel.
export default { ...preset, testTimeout: 60_000 };
