"""The Streamlit side of bidkit: session state, messages and widgets shared by the pages."""
