"""Sphinx configuration of the course website, one build per language.

Not run by hand: ``python tools/build_site.py`` writes the sources (``site/_build/src/<lang>/``: the home page
and the notebooks generated from ``lessons/``) and runs Sphinx with this folder as the configuration folder,
passing the language, the execution mode and the cache folder in environment variables.
"""

import os
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
LANG = os.environ.get("GANKIT_SITE_LANG", "en")
ZH = LANG == "zh"

project = "gankit"
author = "gankit"
copyright = "gankit authors (MIT)"
language = "zh_CN" if ZH else "en"
html_title = "gankit · 生成对抗网络课程" if ZH else "gankit · a GAN course"

extensions = ["myst_nb"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
suppress_warnings = ["myst.header", "misc.highlighting_failure"]
exclude_patterns = ["**.ipynb_checkpoints"]

# Executed notebooks: "cache" executes a notebook whose code cells (and kernel) are not yet in the jupyter-cache
# folder and reuses the stored outputs otherwise; "off" renders the outputs already in the notebooks
# (build_site.py --execute cache merged them in). A cell error stops the build, as nbval did.
nb_execution_mode = os.environ.get("GANKIT_SITE_EXECUTION", "off")
nb_execution_cache_path = os.environ.get("GANKIT_SITE_CACHE", "")
nb_execution_timeout = int(os.environ.get("GANKIT_SITE_TIMEOUT", "-1"))
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True  # and keeps only the last state of a line rewritten with \r (progress bars)
nb_ipywidgets_js = {}  # no widget JavaScript from a CDN: the pages work offline (progress bars are text here)

html_theme = "sphinx_book_theme"
templates_path = [str(HERE / "_templates")]
html_static_path = [str(HERE / "_static")]
html_css_files = ["gankit.css"]
html_context = {"gankit_lang": LANG, "default_mode": "light"}
html_theme_options = {
    "article_header_end": ["lang-switch.html", "article-header-buttons.html"],
    "use_download_button": True,
    "home_page_in_toc": True,
    "show_toc_level": 2,
}
html_sidebars = {"**": ["navbar-logo.html", "lang-switch.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
html_show_sourcelink = False
html_copy_source = False

# Search: Chinese pages are split into words by jieba, which also learns the course's terms (判别器, 生成器 …).
html_search_language = "zh" if ZH else "en"
if ZH:
    from sphinx.search.zh import SearchChinese

    # Sphinx 9.0 writes "window.Stemmer = ChineseStemmer" into language_data.js beside the English stemmer it
    # ships for Chinese, and the search page stops with a ReferenceError: name the stemmer it really ships.
    if SearchChinese.js_stemmer_rawcode == "english-stemmer.js":
        SearchChinese.language_name = "English"
    html_search_options = {"dict": str(HERE / "zh_search_terms.txt")}

# MathJax 3 from the site itself (copied once to <html>/_mathjax by build_site.py), never from a CDN, so the
# pages render their equations offline. Sphinx puts a relative path under _static/, hence the two "..".
mathjax_path = os.environ.get("GANKIT_SITE_MATHJAX", "../../_mathjax/tex-chtml.js")
