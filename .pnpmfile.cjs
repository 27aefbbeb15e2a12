// Native dependencies (better-sqlite3) compile from source when no prebuilt binary can be downloaded.
// node-gyp then fetches Node's headers from the internet unless told where they are; a Node.js
// installed with its headers (Debian's nodejs, nvm, the official tarballs) has them beside it.
const { existsSync, readFileSync } = require('node:fs');
const { join, dirname } = require('node:path');

function localNodeHeadersDir() {
  const prefix = dirname(dirname(process.execPath));
  const header = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(header)) return undefined;
  const text = readFileSync(header, 'utf8');
  const part = (name) => text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`))?.[1];
  const version = `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  return version === process.version ? prefix : undefined;
}

module.exports = {
  hooks: {
    updateConfig(config) {
      const nodedir = process.env.npm_config_nodedir ?? localNodeHeadersDir();
      if (!nodedir) return config;
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: nodedir } };
    },
  },
};
