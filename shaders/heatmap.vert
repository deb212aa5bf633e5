#version 330 core
// RopeScope rotation heatmap: a quad covering the viewport (set to the plot area by the
// host), generated from gl_VertexID so no vertex buffer is needed.
void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
