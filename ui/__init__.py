"""What the Streamlit pages stand on: configuration and its URL codec, figure builders,
presets and exports. Pure Python (no Streamlit imports), so each piece is unit-tested."""
