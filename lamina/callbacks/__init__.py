from lamina.callbacks.callback import Callback
from lamina.callbacks.callback_list import CallbackList
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger
