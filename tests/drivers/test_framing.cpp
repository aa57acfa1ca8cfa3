#include <gtest/gtest.h>

#include "drivers/io/framing.hpp"

using namespace edc::io;

namespace {

// Feeds `stream` one byte at a time, as a slow link delivers it, and collects the frames.
std::vector<std::string> frames_bytewise(const Framer& f, std::string_view stream) {
    std::vector<std::string> out;
    std::string buffer;
    for (const char c : stream) {
        buffer.push_back(c);
        while (true) {
            auto s = f.scan(buffer);
            if (s.status == FrameStatus::complete) {
                out.push_back(s.payload);
                buffer.erase(0, s.consumed);
            } else if (s.status == FrameStatus::malformed) {
                buffer.erase(0, s.consumed);
            } else {
                break;
            }
        }
    }
    return out;
}

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int v : b) s.push_back(static_cast<char>(v));
    return s;
}

}  // namespace

TEST(LineFramer, CrTerminatedReplyIsOneFrame) {
    auto s = LineFramer(LineEnding::cr).scan("+1.0E-01,-5.7E-03\rrest");
    ASSERT_EQ(s.status, FrameStatus::complete);
    EXPECT_EQ(s.payload, "+1.0E-01,-5.7E-03");
    EXPECT_EQ(s.consumed, 18U);
}

TEST(LineFramer, PartialLineNeedsMoreBytes) {
    EXPECT_EQ(LineFramer(LineEnding::lf).scan("KEITHLEY INSTR").status, FrameStatus::incomplete);
}

TEST(LineFramer, CrLfNeedsBothBytes) {
    const LineFramer f(LineEnding::crlf);
    EXPECT_EQ(f.scan("1\r").status, FrameStatus::incomplete);
    auto s = f.scan("1\r\n");
    ASSERT_EQ(s.status, FrameStatus::complete);
    EXPECT_EQ(s.payload, "1");
}

TEST(LineFramer, AnyEndingFramesCrLfAndLfCrRepliesAlike) {
    const LineFramer f(LineEnding::any);
    EXPECT_EQ(frames_bytewise(f, "a\r\nb\n\rc\rd\n"), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(LineFramer, SeveralFramesInOneReadComeOutInOrder) {
    EXPECT_EQ(frames_bytewise(LineFramer(LineEnding::cr), "1\r2\r3\r"),
              (std::vector<std::string>{"1", "2", "3"}));
}

TEST(LineEnding, ParsesSettingsText) {
    EXPECT_EQ(line_ending_from_string("\r"), LineEnding::cr);
    EXPECT_EQ(line_ending_from_string("\n"), LineEnding::lf);
    EXPECT_EQ(line_ending_from_string("\r\n"), LineEnding::crlf);
    EXPECT_EQ(line_ending_from_string("any"), LineEnding::any);
}

TEST(NewEraBasicFramer, StatusReplyPayloadIsBetweenStxAndEtx) {
    auto s = NewEraBasicFramer().scan(
        "\x02"
        "00S?OOR\x03");
    ASSERT_EQ(s.status, FrameStatus::complete);
    EXPECT_EQ(s.payload, "00S?OOR");
    EXPECT_EQ(s.consumed, 9U);
}

TEST(NewEraBasicFramer, GarbageBeforeStxIsDropped) {
    EXPECT_EQ(frames_bytewise(NewEraBasicFramer(),
                              "xx\x02"
                              "00I\x03\x01\x02"
                              "00S\x03"),
              (std::vector<std::string>{"00I", "00S"}));
}

TEST(Crc16Xmodem, MatchesProtocolVectors) {
    // protocols.md section 4: SAF0 -> 55 43, 0RUN -> 44 07, 00S -> aa a6, 00A?R -> 65 86.
    EXPECT_EQ(crc16_xmodem("SAF0"), 0x5543);
    EXPECT_EQ(crc16_xmodem("0RUN"), 0x4407);
    EXPECT_EQ(crc16_xmodem("00S"), 0xaaa6);
    EXPECT_EQ(crc16_xmodem("00A?R"), 0x6586);
    EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);  // the catalogued CRC-16/XMODEM check value
}

TEST(NewEraSafePacket, EncodesProtocolVectors) {
    EXPECT_EQ(encode_newera_safe_packet("SAF0"),
              bytes({0x02, 0x08, 0x53, 0x41, 0x46, 0x30, 0x55, 0x43, 0x03}));
    EXPECT_EQ(encode_newera_safe_packet("0RUN"),
              bytes({0x02, 0x08, 0x30, 0x52, 0x55, 0x4e, 0x44, 0x07, 0x03}));
}

TEST(NewEraSafeFramer, DecodesProtocolReplyVectors) {
    const NewEraSafeFramer f;
    auto s = f.scan(bytes({0x02, 0x07, 0x30, 0x30, 0x53, 0xaa, 0xa6, 0x03}));
    ASSERT_EQ(s.status, FrameStatus::complete);
    EXPECT_EQ(s.payload, "00S");
    auto a = f.scan(bytes({0x02, 0x09, 0x30, 0x30, 0x41, 0x3f, 0x52, 0x65, 0x86, 0x03}));
    ASSERT_EQ(a.status, FrameStatus::complete);
    EXPECT_EQ(a.payload, "00A?R");
}

TEST(NewEraSafeFramer, FramesByLengthWhenCrcByteEqualsEtx) {
    // Find a payload whose CRC contains 0x03: the framer must not stop at that byte.
    std::string payload;
    for (int i = 0; i < 100000 && payload.empty(); ++i) {
        const std::string p = "00S" + std::to_string(i);
        const auto crc = crc16_xmodem(p);
        if ((crc >> 8) == 0x03 || (crc & 0xFF) == 0x03) payload = p;
    }
    ASSERT_FALSE(payload.empty());
    const auto packet = encode_newera_safe_packet(payload);
    EXPECT_EQ(frames_bytewise(NewEraSafeFramer(), packet), std::vector<std::string>{payload});
}

TEST(NewEraSafeFramer, CorruptedPacketIsACrcMismatch) {
    auto packet = encode_newera_safe_packet("00S");
    packet[4] = 'I';
    auto s = NewEraSafeFramer().scan(packet);
    EXPECT_EQ(s.status, FrameStatus::malformed);
    EXPECT_EQ(s.error, "crc_mismatch");
    EXPECT_EQ(s.consumed, packet.size());
}

TEST(NewEraAutoFramer, TellsBasicFromSafeReplies) {
    const NewEraAutoFramer f;
    EXPECT_EQ(frames_bytewise(f,
                              "\x02"
                              "00S\x03" +
                                  encode_newera_safe_packet("00I")),
              (std::vector<std::string>{"00S", "00I"}));
}

TEST(HarvardPromptFramer, ReplyEndsAtPromptWithoutCr) {
    const HarvardPromptFramer f;
    EXPECT_EQ(f.scan("\n12.5 ml/min\r").status, FrameStatus::incomplete);
    auto s = f.scan("\n12.5 ml/min\r\n>");
    ASSERT_EQ(s.status, FrameStatus::complete);
    EXPECT_EQ(s.payload, "\n12.5 ml/min\r\n>");
}

TEST(HarvardPromptFramer, TargetReachedPromptIsTwoCharacters) {
    const HarvardPromptFramer f;
    EXPECT_EQ(f.scan("\nT").status, FrameStatus::incomplete);
    EXPECT_EQ(f.scan("\nT*").status, FrameStatus::complete);
}

TEST(HarvardPromptFramer, AddressedIdlePromptIsCompleteOnlyIfQuiet) {
    const HarvardPromptFramer f;
    EXPECT_EQ(f.scan("\n01:").status, FrameStatus::complete_if_quiet);
    // ...because it may be the start of an addressed text line:
    EXPECT_EQ(f.scan("\n01:12.5 ml/min\r").status, FrameStatus::incomplete);
    EXPECT_EQ(f.scan("\n01:12.5 ml/min\r\n01:").status, FrameStatus::complete_if_quiet);
    EXPECT_EQ(f.scan("\n01>").status, FrameStatus::complete);
}

TEST(HarvardPromptFramer, SplitAcrossReadsYieldsTheSameReply) {
    EXPECT_EQ(frames_bytewise(HarvardPromptFramer(), "\nCommand error:\r\nUnknown command\r\n:"),
              std::vector<std::string>{"\nCommand error:\r\nUnknown command\r\n:"});
}
