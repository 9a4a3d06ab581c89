/* engage/proof-worker.js: finds the number n for which SHA-256(salt + n) is the challenge,
 * off the page's thread (started by proof.js). The hash is computed here in plain code (the
 * salt and number are short ASCII, so one 64-byte block, rarely two): thirty times faster
 * than asking the browser's asynchronous digest once per number. Answers {number}, or
 * {number: null} when nothing up to the challenge's maximum fits.
 */
"use strict";

var K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
var W = new Int32Array(64);
var H = new Int32Array(8);

function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }

/* SHA-256 of an ASCII string, as eight 32-bit words in H. */
function sha256(text) {
  var length = text.length;
  var blocks = ((length + 8) >> 6) + 1;
  var words = new Int32Array(blocks * 16);
  for (var i = 0; i < length; i++) words[i >> 2] |= text.charCodeAt(i) << (24 - (i & 3) * 8);
  words[length >> 2] |= 0x80 << (24 - (length & 3) * 8);
  words[blocks * 16 - 1] = length * 8;
  H[0] = 0x6a09e667; H[1] = 0xbb67ae85; H[2] = 0x3c6ef372; H[3] = 0xa54ff53a;
  H[4] = 0x510e527f; H[5] = 0x9b05688c; H[6] = 0x1f83d9ab; H[7] = 0x5be0cd19;
  for (var b = 0; b < blocks; b++) {
    for (var t = 0; t < 64; t++) {
      if (t < 16) {
        W[t] = words[b * 16 + t];
      } else {
        var w15 = W[t - 15], w2 = W[t - 2];
        W[t] = (W[t - 16] + (rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3)) + W[t - 7] +
          (rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10))) | 0;
      }
    }
    var a = H[0], c1 = H[1], c2 = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
    for (t = 0; t < 64; t++) {
      var t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + W[t]) | 0;
      var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & c1) ^ (a & c2) ^ (c1 & c2))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c2; c2 = c1; c1 = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + c1) | 0; H[2] = (H[2] + c2) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }
}

/* The challenge's hex digest as eight 32-bit words, to compare without making strings. */
function target(hex) {
  var out = new Int32Array(8);
  for (var i = 0; i < 8; i++) out[i] = parseInt(hex.substr(i * 8, 8), 16) | 0;
  return out;
}

self.onmessage = function (event) {
  var c = event.data;
  if (c.algorithm !== "SHA-256" || !/^[\x20-\x7e]*$/.test(c.salt)) {
    self.postMessage({ number: null });
    return;
  }
  var want = target(c.challenge);
  for (var n = 0; n <= c.maxNumber; n++) {
    sha256(c.salt + n);
    if (H[0] === want[0] && H[1] === want[1] && H[2] === want[2] && H[3] === want[3] &&
        H[4] === want[4] && H[5] === want[5] && H[6] === want[6] && H[7] === want[7]) {
      self.postMessage({ number: n });
      return;
    }
  }
  self.postMessage({ number: null });
};
