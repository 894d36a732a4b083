// Starts the SPA. A file of its own, not an inline script, so that the
// Content-Security-Policy can forbid inline scripts.
import init from '/pkg/statreq-frontend.js';
init();
