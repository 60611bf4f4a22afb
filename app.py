"""Descent Lab: watch optimizers walk 2D loss landscapes.

A first page on the engine (the full Playground, Compare, Schedules and Gallery pages
come next): pick a surface and an optimizer, see the path on the contour plot.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import landscapes
import optimizers

st.set_page_config(page_title="Descent Lab", layout="wide")
st.title("Descent Lab")

with st.sidebar:
    surface_name = st.selectbox("Surface", landscapes.names(), key="surface")
    optimizer_name = st.selectbox(
        "Optimizer",
        optimizers.names(),
        index=optimizers.names().index("adam"),
        key="optimizer",
    )
    spec = optimizers.spec(optimizer_name)
    lr = st.number_input(
        "Learning rate",
        min_value=0.0,
        max_value=10.0,
        value=float(spec.defaults["lr"]),
        format="%.5f",
        key="lr",
    )
    steps = st.slider("Steps", 1, 5000, 500, key="steps")

surface = landscapes.get(surface_name)
result = optimizers.run(optimizer_name, surface, steps=steps, lr=lr)

xs, ys, Z = surface.grid(200)
finite = Z[np.isfinite(Z)]
# Log-spaced contours: most surfaces span several decades.
shifted = np.log10(Z - finite.min() + 1e-3)
figure = go.Figure(
    [
        go.Contour(
            x=xs,
            y=ys,
            z=shifted,
            colorscale="Viridis",
            showscale=False,
            contours={"coloring": "heatmap"},
            name="log f",
        ),
        go.Scatter(
            x=result.path[:, 0],
            y=result.path[:, 1],
            mode="lines+markers",
            marker={"size": 3, "color": "white"},
            line={"color": "white"},
            name=optimizer_name,
        ),
        go.Scatter(
            x=surface.minima[:, 0],
            y=surface.minima[:, 1],
            mode="markers",
            marker={"symbol": "star", "size": 14, "color": "gold"},
            name="minima",
        ),
    ]
)
(x0, x1), (y0, y1) = surface.bounds
figure.update_layout(height=600, xaxis={"range": [x0, x1]}, yaxis={"range": [y0, y1]})

left, right = st.columns([3, 2])
with left:
    st.plotly_chart(figure, key="contour")
with right:
    st.latex(surface.latex)
    st.caption(surface.reference)
    st.latex(spec.latex)
    st.caption(spec.reference)
    if result.diverged_at is not None:
        st.error(f"Diverged at step {result.diverged_at}.")
    else:
        st.metric("Final loss", f"{result.final_loss:.3e}")
    st.line_chart(
        {"loss - min": np.maximum(result.loss - max(surface.min_value, -1e300), 1e-300)}
    )
