import gc
import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_sante.settings")
application = get_wsgi_application()

# What is loaded now (Django, the apps, the libraries) lives as long as the worker: move it
# out of the garbage collector's generations, so that collections triggered by a request's
# allocations no longer walk it (about 1 ms a signed-in page, measured with bench/pages.py).
gc.collect()
gc.freeze()

# A thread that gets PostgreSQL's answer while holding a row lock (a journal chain's head)
# waits for the GIL behind threads rendering pages: by default up to 5 ms per switch.
sys.setswitchinterval(0.0005)
