#version 330 core
// RopeScope rotation heatmap: cos(m * theta'_i) per pixel (position m along x, rotary pair i
// along y), or the difference of two methods, through the same diverging colour map as the
// exported figures: a lookup table of the core's diverging_color whose knots fall on texel
// centres, so linear filtering reproduces the piecewise-linear map exactly.
//
// Precision. A float32 product m * theta loses the angle at large m: at m = 2M its rounding
// error alone is ~0.1 rad. So nothing large is ever rounded here:
//  * the host uploads per pair the frequency in turns per token, f = theta / 2pi, and the
//    turns per 4096 and per 2^24 tokens, g1 = fract(4096 f) and g2 = fract(2^24 f), each
//    computed in double and split into three floats (hi, mid, lo) of which hi and mid carry
//    at most 11 significant bits;
//  * the position is split into base-4096 digits, m = a 2^24 + b 4096 + c, each digit a small
//    whole number (< 8192) that float holds exactly;
//  * then digit * hi and digit * mid are exact (13 + 11 bits fit float's 24-bit mantissa),
//    so their fract() is exact, and digit * lo is tiny: the turns are accurate to ~1e-6
//    (a few microradians) for every m up to 2^31, where a naive cos(m * theta) would be noise.

uniform sampler2D u_freqs;   // RGBA32F: per pair 12 texels (see heatmap_renderer.cpp)
uniform sampler2D u_lut;     // 1025 x 1 RGBA8 diverging colour map, t = -1 .. 1 (knots on texel centres)
uniform vec4 u_rect;         // plot area in framebuffer pixels: x0, y0 (bottom), width, height
uniform int u_x_log;         // x axis: 0 linear, 1 log10
uniform vec3 u_m0;           // linear x: base position M0 as digits (a, b, c), M0 = a 2^24 + b 4096 + c
uniform float u_x_start;     // linear: x at the left edge + 0.5 - M0; log: log10(x) at the left edge
uniform float u_x_step;      // per framebuffer pixel: data x (linear) or log10 x (log)
uniform float u_y_top;       // data y at the top of the plot area
uniform float u_y_step;      // data y per pixel going down
uniform float u_rows_y0;     // heatmap rows: row r covers y in [u_rows_y0 + r h, u_rows_y0 + (r+1) h)
uniform float u_row_height;
uniform int u_rows;          // number of pairs shown
uniform int u_compare;       // 1: show method A minus method B
uniform float u_n_hat_a;     // LongRoPE: positions < n_hat keep the original frequency
uniform float u_n_hat_b;
uniform float u_value_min;   // colour map range of the figure (-1..1, or -2..2 for a difference)
uniform float u_value_max;

out vec4 frag_color;

const float kTwoPi = 6.283185307179586;

// Texel k (0..11) of pair i: the block layout is 1024 pairs wide, 12 rows per block.
vec4 fetch(int pair, int k) {
    return texelFetch(u_freqs, ivec2(pair & 1023, (pair >> 10) * 12 + k), 0);
}

// fract(digit * v) for v = hi + mid + lo: exact for the hi and mid parts.
float turns_part(float digit, vec4 v) {
    return fract(digit * v.x) + fract(digit * v.y) + digit * v.z;
}

// Rotation of position (a, b, c) in pair i with the frequency stored at texels k0..k0+2, in turns.
float turns(int pair, int k0, vec3 m) {
    float t = turns_part(m.z, fetch(pair, k0)) + turns_part(m.y, fetch(pair, k0 + 1)) +
              turns_part(m.x, fetch(pair, k0 + 2));
    return fract(t);
}

float rotation_cos(int pair, int method, vec3 m, float m_approx) {
    float n_hat = method == 0 ? u_n_hat_a : u_n_hat_b;
    int k0 = method * 6 + (m_approx < n_hat ? 3 : 0);
    return cos(kTwoPi * turns(pair, k0, m));
}

void main() {
    vec2 px = gl_FragCoord.xy - u_rect.xy;          // from the bottom-left of the plot area
    float from_top = u_rect.w - px.y;
    float y = u_y_top - from_top * u_y_step;
    float row = floor((y - u_rows_y0) / u_row_height);
    if (row < 0.0 || row >= float(u_rows)) discard;
    int pair = int(row);

    vec3 m;              // digits (a, b, c)
    if (u_x_log == 0) {
        // Offset from M0 in whole tokens: x + 0.5 rounds to the nearest position.
        float k = floor(u_x_start + px.x * u_x_step);
        if (float(u_m0.x) * 16777216.0 + u_m0.y * 4096.0 + u_m0.z + k < 0.0) discard;
        float ka = floor(k / 16777216.0);
        float kr = k - ka * 16777216.0;
        float kb = floor(kr / 4096.0);
        float kc = kr - kb * 4096.0;
        m = u_m0 + vec3(ka, kb, kc);
    } else {
        float x = floor(pow(10.0, u_x_start + px.x * u_x_step) + 0.5);
        float a = floor(x / 16777216.0);
        float r = x - a * 16777216.0;
        float b = floor(r / 4096.0);
        m = vec3(a, b, r - b * 4096.0);
    }
    float m_approx = m.x * 16777216.0 + m.y * 4096.0 + m.z;

    float value = rotation_cos(pair, 0, m, m_approx);
    if (u_compare == 1) value -= rotation_cos(pair, 1, m, m_approx);

    float range = u_value_max - u_value_min;
    float t = range > 0.0 ? (value - u_value_min) / range : 0.5;   // 0..1 <-> diverging t = -1..1
    frag_color = vec4(texture(u_lut, vec2((clamp(t, 0.0, 1.0) * 1024.0 + 0.5) / 1025.0, 0.5)).rgb, 1.0);
}
