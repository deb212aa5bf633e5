#version 330 core
// RopeScope logits heatmap: one quad over the heatmap's rectangle (normalized device
// coordinates from the host), generated from gl_VertexID so no vertex buffer is needed.
uniform vec4 u_rect;   // x0, y0 (bottom), x1, y1 (top) in NDC
out vec2 v_uv;         // 0..1 across the grid: u along the keys, v along the queries (bottom row = first query)

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    v_uv = corner;
    gl_Position = vec4(mix(u_rect.xy, u_rect.zw, corner), 0.0, 1.0);
}
