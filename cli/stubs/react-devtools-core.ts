// Ink imports react-devtools-core for its optional dev-tools bridge; the compiled binary
// cannot bundle the real package, so this stub stands in for it.
export default {
  initialize() {},
  connectToDevTools() {},
};
