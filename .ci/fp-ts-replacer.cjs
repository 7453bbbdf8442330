// A tsc-alias replacer for the ES module build: fp-ts 2 has no `exports` map, so
// native Node ESM cannot import its directory modules (`fp-ts/Either` fails with
// ERR_UNSUPPORTED_DIR_IMPORT). Each `fp-ts/<Module>` becomes the file it points
// at, `fp-ts/lib/<Module>.js`, in the emitted .js and .d.ts alike.
'use strict';

const DIR_IMPORT = /(['"])fp-ts\/(?!lib\/|es6\/)([A-Za-z]+)\1/;

exports.default = function fpTsReplacer({ orig }) {
  return orig.replace(DIR_IMPORT, (_, quote, name) => `${quote}fp-ts/lib/${name}.js${quote}`);
};
