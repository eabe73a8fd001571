package io.robogrid.testapps;

import java.awt.EventQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JTextField;

/**
 * A small Swing application for desktop tests, started in a JVM of its own: a text field and a Submit button at
 * fixed places. Submit writes the field's text to the file named by its argument and adds " - submitted" to the
 * window's title, so that both the test and a robot's next step can see it was clicked.
 */
public final class FormApp {
  public static final String TITLE = "RoboGrid Test Form";
  /** Where the field and the button are inside the window (no window manager: the window has no decorations). */
  public static final int FIELD_X = 20, FIELD_Y = 20, FIELD_W = 300, FIELD_H = 30;
  public static final int BUTTON_X = 20, BUTTON_Y = 70, BUTTON_W = 120, BUTTON_H = 30;

  public static void main(String[] args) {
    Path out = Path.of(args[0]);
    EventQueue.invokeLater(() -> {
      JFrame frame = new JFrame(TITLE);
      frame.setLayout(null);
      JTextField field = new JTextField();
      field.setBounds(FIELD_X, FIELD_Y, FIELD_W, FIELD_H);
      JButton submit = new JButton("Submit");
      submit.setBounds(BUTTON_X, BUTTON_Y, BUTTON_W, BUTTON_H);
      submit.addActionListener(e -> {
        try {
          Files.writeString(out, field.getText(), StandardCharsets.UTF_8);
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
        frame.setTitle(TITLE + " - submitted");
      });
      frame.add(field);
      frame.add(submit);
      frame.setSize(400, 200);
      frame.setLocation(100, 100);
      frame.setDefaultCloseOperation(JFrame.EXIT_ON_CLOSE);
      frame.setVisible(true);
    });
  }
}
