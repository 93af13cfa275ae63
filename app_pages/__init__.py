"""The app's pages, one module each, run by st.navigation in app.py; `common` holds what they share.

Page modules are scripts: Streamlit executes one on every rerun of its page, so they are never imported.
"""
