#version 330 core
// RopeScope logits heatmap: one texel per (query, key) logit, uploaded once per result as a
// single-channel float texture, coloured through the same diverging map as the exported figure
// (a lookup table of the core's diverging_color with its knots on texel centres, so linear
// filtering of the table reproduces the piecewise-linear map). Cells are sampled nearest: one
// flat colour per logit, as in the export. NaN marks a key after its query (causal mask): drawn
// in the plot background colour.
uniform sampler2D u_logits;  // R32F, kLogitKeys x kLogitQueries
uniform sampler2D u_lut;     // 1025 x 1 RGBA8, t = -1 .. 1
uniform float u_value_min;   // colour range: mean logit -+ the largest deviation from it
uniform float u_value_max;
uniform vec3 u_masked;       // colour of masked cells

in vec2 v_uv;
out vec4 frag_color;

void main() {
    ivec2 size = textureSize(u_logits, 0);
    ivec2 cell = clamp(ivec2(v_uv * vec2(size)), ivec2(0), size - 1);
    float value = texelFetch(u_logits, cell, 0).r;
    if (isnan(value) || isinf(value)) {
        frag_color = vec4(u_masked, 1.0);
        return;
    }
    float range = u_value_max - u_value_min;
    float t = range > 0.0 ? clamp((value - u_value_min) / range, 0.0, 1.0) : 0.5;
    frag_color = vec4(texture(u_lut, vec2((t * 1024.0 + 0.5) / 1025.0, 0.5)).rgb, 1.0);
}
