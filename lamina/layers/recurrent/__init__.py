from lamina.layers.recurrent.gru import GRU, GRUCell
from lamina.layers.recurrent.lstm import LSTM, LSTMCell
from lamina.layers.recurrent.rnn import RNN
from lamina.layers.recurrent.simple_rnn import SimpleRNN, SimpleRNNCell
from lamina.layers.recurrent.stacked_cells import StackedRNNCells
from lamina.layers.recurrent.bidirectional import Bidirectional
from lamina.layers.recurrent.time_distributed import TimeDistributed
from lamina.layers.recurrent.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from lamina.layers.recurrent.conv_lstm_cell import ConvLSTMCell
